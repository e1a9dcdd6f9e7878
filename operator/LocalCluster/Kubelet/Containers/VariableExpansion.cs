using System.Text;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// Kubernetes' <c>$(VAR)</c> expansion of command, args and env values (k8s.io/kubernetes third_party/forked/golang/
/// expansion): <c>$(NAME)</c> becomes the variable's value when it is defined and stays as written otherwise;
/// <c>$$</c> is an escaped <c>$</c>; any other <c>$</c> is literal. Shell syntax (<c>$NAME</c>, <c>${NAME}</c>) is not
/// touched: that is the shell's job inside the container.
/// </summary>
public static class VariableExpansion
{
    public static string Expand(string input, Func<string, string?> lookup)
    {
        var output = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                output.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                output.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input[(i + 2)..close];
                output.Append(name.Length > 0 && lookup(name) is { } value ? value : input[i..(close + 1)]);
                i = close;
            }
            else
            {
                output.Append('$');
            }
        }

        return output.ToString();
    }
}

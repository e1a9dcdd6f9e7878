using System.CommandLine;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Configuration;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>webhook-config [--service NAME] [--namespace NS] [--service-port P] [--url https://HOST:PORT] [--ca-bundle FILE]</c>:
/// prints the Validating- and MutatingWebhookConfiguration for <c>kubectl apply -f -</c>. Exit 2 on a bad URL or
/// an unreadable CA file.
/// </summary>
internal static class WebhookConfigCommand
{
    public const int Written = 0, Unusable = 2;

    public static Command Create()
    {
        var service = new Option<string>("--service") { Description = "Service in front of the operator's webhook port.", DefaultValueFactory = _ => WebhookNames.Service };
        var ns = new Option<string>("--namespace", "-n") { Description = "Namespace of that Service.", DefaultValueFactory = _ => WebhookNames.Namespace };
        var port = new Option<int>("--service-port") { Description = "Port of that Service.", DefaultValueFactory = _ => 443 };
        var url = new Option<string?>("--url") { Description = "Call the operator at this https base URL instead of a Service (an operator outside the cluster)." };
        var caBundle = new Option<string?>("--ca-bundle") { Description = "PEM file of the CA to trust; omitted, the running operator sets caBundle itself." };
        var command = new Command("webhook-config", "Print the admission webhook configurations (ModelDeployments and model ConfigMaps).")
        {
            service, ns, port, url, caBundle,
        };
        command.SetAction(parse => Run(parse.GetValue(service)!, parse.GetValue(ns)!, parse.GetValue(port), parse.GetValue(url),
            parse.GetValue(caBundle), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string service, string ns, int port, string? url, string? caBundleFile, TextWriter stdout, TextWriter stderr)
    {
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || parsed.Query.Length > 0))
        {
            stderr.WriteLine($"error: --url '{url}' must be an absolute https URL without a query, e.g. https://127.0.0.1:9443.");
            return Unusable;
        }
        if (port is < 1 or > 65535)
        {
            stderr.WriteLine($"error: --service-port {port} must be between 1 and 65535.");
            return Unusable;
        }
        string? ca = null;
        if (caBundleFile is not null)
        {
            try
            {
                ca = File.ReadAllText(caBundleFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: --ca-bundle {caBundleFile}: {e.Message}");
                return Unusable;
            }
            if (!ca.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                stderr.WriteLine($"error: --ca-bundle {caBundleFile}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it.");
                return Unusable;
            }
        }
        stdout.Write(WebhookConfigurations.Yaml(new WebhookTarget
        {
            Url = url, ServiceName = service, Namespace = ns, ServicePort = port, CaBundlePem = ca,
        }));
        return Written;
    }
}

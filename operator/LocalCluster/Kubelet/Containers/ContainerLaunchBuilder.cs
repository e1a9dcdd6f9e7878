using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Pods;
using LlmOperator.LocalCluster.Kubelet.Processes;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// Turns a pod's container into a host command line the way a container runtime would run it, translated to the
/// host: entrypoint/command/args by Kubernetes' rules with <c>$(VAR)</c> expansion, the environment (the host's,
/// overlaid with the container's), ports (<see cref="PortTable"/>), mount and termination-message paths
/// (<see cref="PathMapping"/>).
/// </summary>
internal sealed class ContainerLaunchBuilder(ImageMap images, ConfigLookup config, bool inheritHostEnvironment)
{
    public const string DefaultTerminationMessagePath = "/dev/termination-log";

    public ContainerLaunch Build(PodSandbox sandbox, V1Container container, int restartCount)
    {
        var rule = images.Resolve(container.Image);
        if (rule.Unavailable is { } why) throw new ContainerStartException(ContainerStartException.CreateError, why);
        var instanceDir = sandbox.InstanceDirectory(container.Name, restartCount);
        var terminationFile = Path.Combine(instanceDir, "termination-log");
        var paths = Paths(sandbox, container, terminationFile);
        var env = ContainerEnvironment(sandbox, container, paths, terminationFile, rule);

        string Expand(string value) => VariableExpansion.Expand(value, name => env.GetValueOrDefault(name));
        var argv = (container.Command is { Count: > 0 } command ? ImageProgram(rule, command.Select(Expand).ToList()) : rule.Entrypoint ?? [])
            .Concat(container.Args?.Select(Expand) ?? [])
            .ToList();
        argv = sandbox.Ports.RewriteArguments(argv).Select(paths.Rewrite).ToList();
        var workingDir = container.WorkingDir is { Length: > 0 } wd && paths.Rewrite(wd) is var mapped && Directory.Exists(mapped)
            ? mapped
            : sandbox.WorkingDirectory(container.Name);
        var fullEnv = inheritHostEnvironment ? HostEnvironment() : new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in env) fullEnv[name] = value;

        if (rule.Runtime == ImageRuntime.StandIn)
        {
            return new ContainerLaunch(rule.Runtime, new ProcessLaunch(container.Image ?? "", argv, fullEnv, workingDir), terminationFile, sandbox.Ports, paths);
        }

        if (argv.Count == 0)
        {
            throw new ContainerStartException(ContainerStartException.CreateError,
                $"no command specified: image \"{container.Image}\" has no entrypoint on this host; set the container's command " +
                "(it runs literally on the host) or map the image in KubeletOptions.Images");
        }

        var executable = ExecutableLookup.Find(argv[0], fullEnv.GetValueOrDefault("PATH"))
            ?? throw new ContainerStartException(ContainerStartException.StartError,
                $"exec: \"{argv[0]}\": executable file not found in $PATH (the container's command runs on the host)");
        return new ContainerLaunch(rule.Runtime, new ProcessLaunch(executable, argv.Skip(1).ToList(), fullEnv, workingDir), terminationFile, sandbox.Ports, paths);
    }

    private static PathMapping Paths(PodSandbox sandbox, V1Container container, string terminationFile)
    {
        var paths = new PathMapping();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!sandbox.Volumes.TryGetValue(mount.Name, out var host))
            {
                throw new ContainerStartException(ContainerStartException.ConfigError,
                    $"volumeMounts \"{mount.Name}\": no volume of that name in the pod's spec.volumes");
            }

            paths.AddDirectory(mount.MountPath, mount.SubPath is { Length: > 0 } sub ? Path.Combine(host, sub) : host);
        }

        paths.AddFile(container.TerminationMessagePath ?? DefaultTerminationMessagePath, terminationFile);
        return paths;
    }

    /// <summary>A command whose program is one of the image's (on its PATH in a real image) runs the host's stand-in for it.</summary>
    private static IEnumerable<string> ImageProgram(ImageRule rule, List<string> command) =>
        rule.Programs is { } programs && programs.TryGetValue(command[0], out var host) ? [.. host, .. command.Skip(1)] : command;

    private Dictionary<string, string> ContainerEnvironment(PodSandbox sandbox, V1Container container, PathMapping paths, string terminationFile, ImageRule rule)
    {
        // The image's ENV first: the runtime's variables and the container's env override it, as in a container.
        var env = new Dictionary<string, string>(rule.Environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["HOSTNAME"] = sandbox.Pod.Metadata.Name,
            [ContainerLaunch.EngineTerminationLogVariable] = terminationFile,
            [ContainerLaunch.TerminationMessageVariable] = terminationFile,
        };
        if (sandbox.Ports.DefaultPort(container) is { } port) env["PORT"] = port;
        var built = EnvironmentBuilder.Build(sandbox.Pod, container, config, env);
        foreach (var (name, value) in built.ToList())
        {
            built[name] = name == "PORT" ? sandbox.Ports.TranslateValue(value) : paths.Rewrite(value);
        }

        return built;
    }

    private static Dictionary<string, string> HostEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return env;
    }
}

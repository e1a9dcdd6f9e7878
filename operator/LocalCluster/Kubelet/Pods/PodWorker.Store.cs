using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>The pod worker's writes to the pod: status, finalizer, port annotations. Each checks the uid, so a
/// new pod of the same name is never touched by the worker of the old one.</summary>
internal sealed partial class PodWorker
{
    private void WriteStatus()
    {
        List<k8s.Models.V1ContainerStatus> init, main;
        lock (Gate)
        {
            init = _initRecords.Select(r => r.ToStatus()).ToList();
            main = _records.Select(r => r.ToStatus()).ToList();
        }

        var sandboxReady = _sandbox is not null;
        Mutate(ObjectStore.UpdateScope.Status, pod =>
            PodStatusBuilder.Apply(pod, init, main, Pod.Spec.RestartPolicy, sandboxReady, DateTime.UtcNow));
    }

    /// <returns>For add: false when the pod is gone or already being deleted (then nothing is started).</returns>
    private bool ChangeFinalizer(bool add)
    {
        bool deleting = false, found = false;
        Mutate(ObjectStore.UpdateScope.Main, pod =>
        {
            found = true;
            var meta = StoreMutation.Child(pod, "metadata");
            var finalizers = meta["finalizers"] as JsonArray ?? (JsonArray)(meta["finalizers"] = new JsonArray());
            var present = finalizers.FirstOrDefault(f => (string?)f == KubeletServices.Finalizer);
            deleting = meta["deletionTimestamp"] is not null;
            if (add && (deleting || present is not null)) return false;
            if (!add && present is null) return false;
            if (add) finalizers.Add(KubeletServices.Finalizer);
            else finalizers.Remove(present);
            return true;
        });
        return found && !deleting;
    }

    /// <summary>Publishes <c>localcluster.llmoperator.dev/port-&lt;containerPort&gt;</c> = host port on the pod.</summary>
    private void PublishPorts()
    {
        var ports = Sandbox.Ports.HostPorts;
        if (ports.Count == 0) return;
        Mutate(ObjectStore.UpdateScope.Main, pod =>
        {
            var meta = StoreMutation.Child(pod, "metadata");
            var annotations = StoreMutation.Child(meta, "annotations");
            var changed = false;
            foreach (var (containerPort, hostPort) in ports)
            {
                var key = PortTable.AnnotationPrefix + containerPort;
                if ((string?)annotations[key] == hostPort.ToString()) continue;
                annotations[key] = hostPort.ToString();
                changed = true;
            }

            return changed;
        });
    }

    private JsonObject? Mutate(ObjectStore.UpdateScope scope, Func<JsonObject, bool> change) =>
        StoreMutation.Mutate(Services.Store, BuiltInTypes.Pods, Namespace, Name, scope,
            pod => StoreWatchLoop.Uid(pod) == Uid && change(pod));
}

using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>Finding or creating the ReplicaSet of the current template, and revision numbers (getAllReplicaSetsAndSyncRevision).</summary>
internal sealed partial class DeploymentSync
{
    private JsonObject Template => (JsonObject?)deployment.Raw["spec"]?["template"] ?? new JsonObject();

    /// <summary>
    /// The set whose template is the Deployment's (the oldest such, if several) and all the others.
    /// The new set gets a revision above every old one: a rollback to an old template reuses its set
    /// and moves it to the newest revision.
    /// </summary>
    private (StoredObject<V1ReplicaSet>? New, List<StoredObject<V1ReplicaSet>> Old) FindReplicaSets(bool createIfMissing)
    {
        var newRs = sets.OrderBy(rs => rs.Raw.CreationTime()).ThenBy(rs => rs.Name, StringComparer.Ordinal)
            .FirstOrDefault(rs => PodTemplateHash.EqualIgnoringHash(rs.Raw["spec"]?["template"], Template));
        var oldSets = sets.Where(rs => rs != newRs).ToList();
        var newRevision = oldSets.Select(rs => DeploymentSpec.Revision(rs.Typed.Metadata.Annotations?.AsReadOnly())).DefaultIfEmpty(0).Max() + 1;
        if (newRs is not null) SyncExistingRevision(newRs, newRevision);
        else if (createIfMissing) newRs = CreateNewReplicaSet(oldSets, newRevision);
        return (newRs, oldSets);
    }

    private void SyncExistingRevision(StoredObject<V1ReplicaSet> newRs, long newRevision)
    {
        var edit = newRs.Edit();
        var changed = false;
        var current = DeploymentSpec.Revision(newRs.Typed.Metadata.Annotations?.AsReadOnly());
        if (current < newRevision)
        {
            edit.SetAnnotation(DeploymentSpec.RevisionAnnotation, newRevision.ToString());
            if (current > 0)
            {
                var history = edit.Annotation(DeploymentSpec.RevisionHistoryAnnotation);
                edit.SetAnnotation(DeploymentSpec.RevisionHistoryAnnotation, string.IsNullOrEmpty(history) ? $"{current}" : $"{history},{current}");
            }

            changed = true;
        }

        if ((newRs.Typed.Spec?.MinReadySeconds ?? 0) != DeploymentSpec.MinReadySeconds(D))
        {
            ((JsonObject)edit["spec"]!)["minReadySeconds"] = DeploymentSpec.MinReadySeconds(D);
            changed = true;
        }

        if (changed) newRs.Reset(store.Update(BuiltInTypes.ReplicaSets, edit));
        SetDeploymentRevision(newRs.Raw.Annotation(DeploymentSpec.RevisionAnnotation) ?? newRevision.ToString());
        if (DeploymentSpec.ProgressDeadlineSeconds(D) is not null && ProgressingCondition(D.Status) is null)
        {
            WriteStatus(SetCondition(CopyStatus(), NewCondition("Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{newRs.Name}\"")));
        }
    }

    private StoredObject<V1ReplicaSet>? CreateNewReplicaSet(List<StoredObject<V1ReplicaSet>> oldSets, long newRevision)
    {
        var hash = PodTemplateHash.Compute(Template, D.Status?.CollisionCount);
        var rs = NewReplicaSetJson(hash, newRevision);
        var size = RolloutMath.NewReplicaSetReplicas(D, oldSets.Sum(SpecReplicas), 0);
        ((JsonObject)rs["spec"]!)["replicas"] = size;
        StoredObject<V1ReplicaSet> created;
        var existed = false;
        try
        {
            created = new StoredObject<V1ReplicaSet>(store.Create(BuiltInTypes.ReplicaSets, rs));
        }
        catch (ApiError e) when (e.Reason == "AlreadyExists")
        {
            created = TakeExistingOrBumpCollisionCount(rs.Name());
            existed = true;
        }
        catch (ApiError e)
        {
            var message = $"Failed to create new replica set \"{rs.Name()}\": {e.Message}";
            if (DeploymentSpec.ProgressDeadlineSeconds(D) is not null)
            {
                WriteStatus(SetCondition(CopyStatus(), NewCondition("Progressing", "False", "ReplicaSetCreateError", message)));
            }

            events.Warning(deployment.Raw, "FailedCreate", message);
            throw;
        }

        sets.Add(created);
        if (!existed && size > 0) events.Normal(deployment.Raw, "ScalingReplicaSet", $"Scaled up replica set {created.Name} from 0 to {size}");
        SetDeploymentRevision(newRevision.ToString());
        if (!existed && DeploymentSpec.ProgressDeadlineSeconds(D) is not null)
        {
            WriteStatus(SetCondition(CopyStatus(), NewCondition("Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{created.Name}\"")));
        }

        return created;
    }

    /// <summary>
    /// The name is taken: by this Deployment's own set for this template (a previous pass created it),
    /// which is then used; or by anything else, a hash collision: collisionCount goes up so the next
    /// pass hashes to another name, and this pass fails to be retried.
    /// </summary>
    private StoredObject<V1ReplicaSet> TakeExistingOrBumpCollisionCount(string name)
    {
        var existing = store.Get(BuiltInTypes.ReplicaSets, deployment.Raw.Namespace(), name);
        if (existing is not null && existing.IsControlledBy(deployment.Raw) &&
            PodTemplateHash.EqualIgnoringHash(existing["spec"]?["template"], Template))
        {
            return new StoredObject<V1ReplicaSet>(existing);
        }

        var status = CopyStatus();
        status.CollisionCount = (status.CollisionCount ?? 0) + 1;
        WriteStatus(status);
        throw new InvalidOperationException($"replica set name {name} is taken by another object; retrying with collisionCount {status.CollisionCount}");
    }

    /// <summary>The new ReplicaSet: the Deployment's template verbatim plus the pod-template-hash label, also in its selector.</summary>
    private JsonObject NewReplicaSetJson(string hash, long revision)
    {
        var template = (JsonObject)Template.DeepClone();
        var templateMeta = template["metadata"] as JsonObject ?? (JsonObject)(template["metadata"] = new JsonObject());
        var labels = templateMeta["labels"] as JsonObject ?? (JsonObject)(templateMeta["labels"] = new JsonObject());
        labels[DeploymentSpec.PodTemplateHashLabel] = hash;
        var selector = (JsonObject?)deployment.Raw["spec"]?["selector"]?.DeepClone() ?? new JsonObject();
        var matchLabels = selector["matchLabels"] as JsonObject ?? (JsonObject)(selector["matchLabels"] = new JsonObject());
        matchLabels[DeploymentSpec.PodTemplateHashLabel] = hash;
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{deployment.Name}-{hash}",
                ["namespace"] = deployment.Raw.Namespace(),
                ["labels"] = labels.DeepClone(),
                ["annotations"] = new JsonObject
                {
                    [DeploymentSpec.RevisionAnnotation] = revision.ToString(),
                    [DeploymentSpec.DesiredReplicasAnnotation] = Replicas.ToString(),
                    [DeploymentSpec.MaxReplicasAnnotation] = (Replicas + RolloutMath.MaxSurge(D)).ToString(),
                },
                ["ownerReferences"] = new JsonArray(ObjectJson.NewControllerRef(deployment.Raw)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 0,
                ["minReadySeconds"] = DeploymentSpec.MinReadySeconds(D),
                ["selector"] = selector,
                ["template"] = template,
            },
        };
    }

    /// <summary>Copies the new set's revision to the Deployment's annotation (what <c>kubectl rollout history</c> reads).</summary>
    private void SetDeploymentRevision(string revision)
    {
        var edit = deployment.Edit();
        if (edit.SetAnnotation(DeploymentSpec.RevisionAnnotation, revision)) deployment.Reset(store.Update(BuiltInTypes.Deployments, edit));
    }
}

using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers;
using LlmOperator.LocalCluster.Controllers.Events;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.LocalCluster.Tests.Controllers.Events;

public sealed class EventRecorderTests
{
    [Fact]
    public void Record_Should_WriteACoreV1EventAboutTheObject()
    {
        var (store, clock, recorder, deployment) = Setup();

        recorder.Normal(deployment, "ScalingReplicaSet", "Scaled up replica set web-abc from 0 to 2");

        var evt = Assert.Single(store.List(BuiltInTypes.Events, "default").Items);
        Assert.StartsWith("web.", (string?)evt["metadata"]!["name"]);
        var involved = evt["involvedObject"]!;
        Assert.Equal(("apps/v1", "Deployment", "web", "default"), ((string?)involved["apiVersion"], (string?)involved["kind"], (string?)involved["name"], (string?)involved["namespace"]));
        Assert.Equal((string?)deployment["metadata"]!["uid"], (string?)involved["uid"]);
        Assert.Equal(("Normal", "ScalingReplicaSet", 1), ((string?)evt["type"], (string?)evt["reason"], evt["count"].AsInt()));
        Assert.Equal("deployment-controller", (string?)evt["source"]!["component"]);
        Assert.Equal("deployment-controller", (string?)evt["reportingComponent"]);
        Assert.Equal("2025-01-01T00:00:00Z", (string?)evt["firstTimestamp"]);
        Assert.Equal((string?)evt["firstTimestamp"], (string?)evt["lastTimestamp"]);
    }

    [Fact]
    public void Record_Should_BumpCountAndLastTimestamp_When_TheSameEventRepeats()
    {
        var (store, clock, recorder, deployment) = Setup();
        recorder.Warning(deployment, "FailedCreate", "quota exceeded");
        clock.Advance(TimeSpan.FromMinutes(2));

        recorder.Warning(deployment, "FailedCreate", "quota exceeded");
        recorder.Warning(deployment, "FailedCreate", "another message");

        var events = store.List(BuiltInTypes.Events, "default").Items;
        Assert.Equal(2, events.Count);
        var repeated = events.Single(e => (string?)e["message"] == "quota exceeded");
        Assert.Equal(2, repeated["count"].AsInt());
        Assert.Equal("2025-01-01T00:00:00Z", (string?)repeated["firstTimestamp"]);
        Assert.Equal("2025-01-01T00:02:00Z", (string?)repeated["lastTimestamp"]);
    }

    private static (ObjectStore, FakeTimeProvider, EventRecorder, JsonObject) Setup()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new ObjectStore(clock);
        var deployment = store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 1, "engine:v1"));
        return (store, clock, new EventRecorder(store, "deployment-controller", new ControllerOptions { Clock = clock }), deployment);
    }
}

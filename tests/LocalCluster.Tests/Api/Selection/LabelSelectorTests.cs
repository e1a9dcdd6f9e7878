using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Selection;

public sealed class LabelSelectorTests
{
    private static readonly JsonObject Labelled = JsonNode.Parse("""{"metadata":{"labels":{"app":"web","gen":"3"}}}""")!.AsObject();
    private static readonly JsonObject Unlabelled = JsonNode.Parse("""{"metadata":{}}""")!.AsObject();

    [Theory]
    [InlineData("app=web", true, false)]
    [InlineData("app != web", false, true)]
    [InlineData("app notin (db, cache)", true, true)]
    [InlineData("app in (web,db)", true, false)]
    [InlineData("gen>2", true, false)]
    [InlineData("gen<3", false, false)]
    [InlineData("app,!missing", true, false)]
    [InlineData("", true, true)]
    public void Matches_Should_FollowApimachinerySemantics_When_LabelsArePresentOrAbsent(string selector, bool labelled, bool unlabelled)
    {
        var parsed = LabelSelector.Parse(selector);

        Assert.Equal(labelled, parsed.Matches(Labelled));
        Assert.Equal(unlabelled, parsed.Matches(Unlabelled));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("app=we b")]
    [InlineData("gen>x")]
    [InlineData("app,,gen")]
    [InlineData("a(b=c")]
    public void Parse_Should_ThrowBadRequest_When_SelectorIsMalformed(string selector)
    {
        var error = Assert.Throws<ApiError>(() => LabelSelector.Parse(selector));

        Assert.Equal(400, error.Code);
        Assert.Contains("labelSelector", error.Message);
    }
}

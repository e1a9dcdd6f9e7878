namespace LlmOperator.Engine.Weights;

/// <summary>
/// Canonical tensor names: those of <c>LlamaForCausalLM</c> / <c>Llama4ForCausalLM</c>
/// (<c>model.embed_tokens.weight</c>, <c>model.layers.N.…</c>, <c>model.norm.weight</c>, <c>lm_head.weight</c>).
/// <c>Llama4ForConditionalGeneration</c> checkpoints nest the text model under <c>language_model.</c> (newer
/// transformers save it as <c>model.language_model.</c>); its vision tower and projector are not part of a text
/// engine and are left out.
/// </summary>
public static class CheckpointNames
{
    private static readonly string[] VisionPrefixes =
        ["vision_model.", "multi_modal_projector.", "model.vision_model.", "model.multi_modal_projector."];

    /// <summary>The canonical name of <paramref name="key"/>, or null for a tensor the text model does not use.</summary>
    public static string? Canonical(string key)
    {
        if (VisionPrefixes.Any(key.StartsWith))
            return null;
        if (key.StartsWith("language_model.", StringComparison.Ordinal))
            return key["language_model.".Length..];
        if (key.StartsWith("model.language_model.", StringComparison.Ordinal))
            return "model." + key["model.language_model.".Length..];
        return key;
    }
}

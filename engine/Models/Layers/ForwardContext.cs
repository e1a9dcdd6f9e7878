using static TorchSharp.torch;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// What every layer shares during one forward, computed once from the positions: the RoPE angles and the NoPE
/// layers' temperature scales (null when the model has no temperature tuning).
/// </summary>
internal sealed record ForwardContext(IAttentionBackend Attention, Tensor Cos, Tensor Sin, Tensor? TemperatureScales);

using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>The converter's output, read back byte for byte: llama.cpp's tensor names, GGML dims, and data layouts.</summary>
public sealed class CheckpointGgufConverterTests
{
    [Fact]
    public void Convert_Should_SplitFusedExpertsIntoLlamaCppTensors_When_ModelIsLlama4()
    {
        using var dir = new TempDirectory();
        var (gguf, checkpoint) = Convert(dir, ModelPresets.TinyLlama4);
        using var _ = checkpoint;

        // Layers 1 and 3 are MoE (interleave step 2): 6 attention/norm tensors + router + 3 experts + 3 shared.
        Assert.Equal(4 + 2 * 9 + 2 * 13, gguf.Tensors.Count);
        Assert.Equal(new ulong[] { 64, 128, 4 }, Dims(gguf, "blk.1.ffn_gate_exps.weight"));   // {n_embd, n_ff_exp, n_expert}
        Assert.Equal(new ulong[] { 64, 128, 4 }, Dims(gguf, "blk.3.ffn_up_exps.weight"));
        Assert.Equal(new ulong[] { 128, 64, 4 }, Dims(gguf, "blk.1.ffn_down_exps.weight"));   // {n_ff_exp, n_embd, n_expert}
        Assert.Equal(new ulong[] { 64, 4 }, Dims(gguf, "blk.1.ffn_gate_inp.weight"));
        Assert.Equal(new ulong[] { 64, 128 }, Dims(gguf, "blk.1.ffn_up_shexp.weight"));
        Assert.Equal(new ulong[] { 64, 256 }, Dims(gguf, "blk.0.ffn_gate.weight"));           // dense: intermediate_size_mlp
        Assert.Equal(new ulong[] { 8 }, Dims(gguf, "rope_freqs.weight"));                     // head_dim / 2
        Assert.Equal(128u, gguf.Metadata["llama4.expert_feed_forward_length"]);
        Assert.Equal(256u, gguf.Metadata["llama4.feed_forward_length"]);
        Assert.Equal(2u, gguf.Metadata["llama4.interleave_moe_layer_step"]);

        float[] gateUp = Floats(checkpoint, "model.layers.1.feed_forward.experts.gate_up_proj");  // [4, 64, 256]
        float[] downProj = Floats(checkpoint, "model.layers.1.feed_forward.experts.down_proj");   // [4, 128, 64]
        // up[e, i, h] = gate_up_proj[e, h, I + i]; gate[e, i, h] = gate_up_proj[e, h, i]; down[e, h, i] = down_proj[e, i, h].
        Assert.Equal(gateUp[2 * 64 * 256 + 7 * 256 + 128 + 5], gguf.TensorData("blk.1.ffn_up_exps.weight")[2 * 128 * 64 + 5 * 64 + 7]);
        Assert.Equal(gateUp[3 * 64 * 256 + 9 * 256 + 4], gguf.TensorData("blk.1.ffn_gate_exps.weight")[3 * 128 * 64 + 4 * 64 + 9]);
        Assert.Equal(downProj[1 * 128 * 64 + 100 * 64 + 3], gguf.TensorData("blk.1.ffn_down_exps.weight")[1 * 64 * 128 + 3 * 128 + 100]);
        // llama4 keeps q as Hugging Face stores it (interleaved RoPE on both sides).
        Assert.Equal(Floats(checkpoint, "model.layers.0.self_attn.q_proj.weight"), gguf.TensorData("blk.0.attn_q.weight"));
    }

    [Fact]
    public void Convert_Should_PermuteQueryAndKeyRows_When_ModelIsPlainLlama()
    {
        using var dir = new TempDirectory();
        var (gguf, checkpoint) = Convert(dir, ModelPresets.TinyLlama);
        using var _ = checkpoint;

        float[] q = Floats(checkpoint, "model.layers.1.self_attn.q_proj.weight");  // [4 heads · 16, 64]
        float[] k = Floats(checkpoint, "model.layers.1.self_attn.k_proj.weight");  // [2 heads · 16, 64]
        float[] ggufQ = gguf.TensorData("blk.1.attn_q.weight");
        float[] ggufK = gguf.TensorData("blk.1.attn_k.weight");

        // GGUF row h·16 + 2j + t holds HF row h·16 + 8t + j: e.g. row 1 ← row 8, row 18 ← row 17 (head 1, j = 1).
        Assert.Equal(Row(q, 8), Row(ggufQ, 1));
        Assert.Equal(Row(q, 17), Row(ggufQ, 18));
        Assert.Equal(Row(k, 16 + 8 + 7), Row(ggufK, 16 + 15));
        Assert.Equal(Floats(checkpoint, "model.layers.1.self_attn.v_proj.weight"), gguf.TensorData("blk.1.attn_v.weight"));
        Assert.Equal(3 + 2 * 9, gguf.Tensors.Count); // token_embd, output_norm, output; no rope_freqs without rope scaling
        Assert.Equal("llama", gguf.Metadata["general.architecture"]);
        Assert.Equal("none", gguf.Metadata["tokenizer.ggml.model"]);
    }

    private static (GgufTestReader Gguf, Checkpoint Checkpoint) Convert(TempDirectory dir, ModelSpec preset)
    {
        string model = dir.File("model");
        ModelMaker.Make(new MakeModelRequest(model, preset, Seed: 3, SafetensorsDtype.Parse("f32"), Shards: 1));
        CheckpointGgufConverter.Convert(model, dir.File("model.gguf"));
        return (GgufTestReader.Read(dir.File("model.gguf")), Checkpoint.Open(model));
    }

    private static ulong[] Dims(GgufTestReader gguf, string name) => gguf.Tensors.Single(t => t.Name == name).Dims;

    private static float[] Floats(Checkpoint checkpoint, string name)
    {
        using var tensor = checkpoint.Read(name, checkpoint.Info(name).Shape);
        return tensor.contiguous().data<float>().ToArray();
    }

    private static float[] Row(float[] matrix, int row) => matrix.AsSpan(row * 64, 64).ToArray();
}

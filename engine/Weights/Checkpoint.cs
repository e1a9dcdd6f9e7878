using TorchSharp;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// A Hugging Face checkpoint directory: <c>config.json</c> (when present, its architecture is checked first) and
/// <c>model.safetensors</c> or the shards of <c>model.safetensors.index.json</c>. Every file is memory-mapped and its
/// header validated on open; tensors are exposed under canonical names (<see cref="CheckpointNames"/>) and read as
/// float32 on demand.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, (SafetensorsFile File, string Key)> _tensors;
    private readonly string _source;

    private Checkpoint(string directory, string source, CheckpointConfig? config, List<SafetensorsFile> files,
        Dictionary<string, (SafetensorsFile, string)> tensors)
    {
        Directory = directory;
        _source = source;
        Config = config;
        _files = files;
        _tensors = tensors;
    }

    /// <summary>Opens a Hugging Face directory: model.safetensors or model.safetensors.index.json shards; validates every header.</summary>
    public static Checkpoint Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new CheckpointException($"{directory}: the checkpoint directory does not exist.");
        var config = CheckpointConfig.TryRead(directory);
        string index = Path.Combine(directory, ShardIndex.FileName);
        string single = Path.Combine(directory, SafetensorsWriter.SingleFileName);
        if (File.Exists(index))
            return OpenSharded(directory, index, config);
        if (File.Exists(single))
            return OpenFiles(directory, single, config, [single], weightMap: null);
        throw new CheckpointException(
            $"{directory}: has neither {SafetensorsWriter.SingleFileName} nor {ShardIndex.FileName}; " +
            "point --model at a Hugging Face checkpoint directory with safetensors weights.");
    }

    public string Directory { get; }

    /// <summary>The directory's config.json, or null when it has none.</summary>
    public CheckpointConfig? Config { get; }

    /// <summary>Canonical names: "model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "lm_head.weight"
    /// (the Llama4ForConditionalGeneration prefix "language_model." is removed).</summary>
    public IReadOnlyCollection<string> TensorNames => _tensors.Keys;

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public TensorInfo Info(string name)
    {
        var (file, key) = Find(name);
        var entry = file.Entry(key);
        return new TensorInfo(name, file.Path, entry.Dtype, entry.Shape);
    }

    /// <summary>Reads a tensor as float32 on the CPU after checking its shape equals <paramref name="shape"/>;
    /// a missing tensor or wrong shape throws <see cref="CheckpointException"/> naming file and tensor.</summary>
    public torch.Tensor Read(string name, long[] shape)
    {
        var (file, key) = Find(name);
        var entry = file.Entry(key);
        if (!entry.Shape.SequenceEqual(shape))
            throw new CheckpointException(
                $"{file.Path}: tensor '{key}' has shape [{string.Join(", ", entry.Shape)}] but the model built from " +
                $"{ConfigName} needs [{string.Join(", ", shape)}]; the weights do not match their config.json.");
        return file.ReadFloat32(key);
    }

    /// <summary>Reads a tensor as float32 on the CPU in the shape the file stores.</summary>
    public torch.Tensor Read(string name)
    {
        var (file, key) = Find(name);
        return file.ReadFloat32(key);
    }

    public void Dispose()
    {
        foreach (var file in _files)
            file.Dispose();
        _files.Clear();
    }

    private string ConfigName => Config?.Path ?? Path.Combine(Directory, CheckpointConfig.FileName);

    private (SafetensorsFile File, string Key) Find(string name) => _tensors.TryGetValue(name, out var found)
        ? found
        : throw new CheckpointException(
            $"{_source}: has no tensor '{name}' (nor its language_model. form); the checkpoint does not match " +
            $"{ConfigName}{(Config is null ? "" : $" ({Config.ArchitectureClass})")}. Check that every shard is complete " +
            "and that config.json belongs to these weights.");

    private static Checkpoint OpenSharded(string directory, string index, CheckpointConfig? config)
    {
        var weightMap = ShardIndex.Read(index);
        var shards = weightMap.Values.Distinct().OrderBy(s => s, StringComparer.Ordinal)
            .Select(s => Path.Combine(directory, s)).ToList();
        return OpenFiles(directory, index, config, shards, weightMap);
    }

    private static Checkpoint OpenFiles(string directory, string source, CheckpointConfig? config, List<string> paths,
        IReadOnlyDictionary<string, string>? weightMap)
    {
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (string path in paths)
                files.Add(SafetensorsFile.Open(path));
            var tensors = weightMap is null ? IndexSingle(files[0]) : IndexSharded(source, files, weightMap);
            return new Checkpoint(directory, source, config, files, tensors);
        }
        catch
        {
            foreach (var file in files)
                file.Dispose();
            throw;
        }
    }

    private static Dictionary<string, (SafetensorsFile, string)> IndexSingle(SafetensorsFile file)
    {
        var tensors = new Dictionary<string, (SafetensorsFile, string)>(StringComparer.Ordinal);
        foreach (var entry in file.Entries)
            Add(tensors, file.Path, file, entry.Name);
        return tensors;
    }

    private static Dictionary<string, (SafetensorsFile, string)> IndexSharded(string index, List<SafetensorsFile> files,
        IReadOnlyDictionary<string, string> weightMap)
    {
        var byName = files.ToDictionary(f => Path.GetFileName(f.Path), StringComparer.Ordinal);
        var tensors = new Dictionary<string, (SafetensorsFile, string)>(StringComparer.Ordinal);
        foreach (var (key, shard) in weightMap)
        {
            var file = byName[shard];
            if (!file.Contains(key))
                throw new CheckpointException(
                    $"{index}: maps tensor '{key}' to {file.Path}, whose header has no such tensor; the shard is from another " +
                    "checkpoint or the index is stale.");
            Add(tensors, index, file, key);
        }
        return tensors;
    }

    private static void Add(Dictionary<string, (SafetensorsFile, string)> tensors, string source, SafetensorsFile file, string key)
    {
        if (CheckpointNames.Canonical(key) is not { } name)
            return;
        if (!tensors.TryAdd(name, (file, key)))
            throw new CheckpointException(
                $"{source}: tensors '{tensors[name].Item2}' and '{key}' both map to '{name}'; a checkpoint holds one text model.");
    }
}

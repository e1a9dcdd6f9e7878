using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace LlmOperator.Operator.Entities;

[Description("The Service in front of the engine pods.")]
public sealed class ServiceSpec
{
    [JsonPropertyName("port")]
    [Range(1, 65535)]
    [DefaultValue(8000)]
    [Description("Port of the OpenAI-compatible API on the Service.")]
    public int Port { get; set; } = 8000;

    [JsonPropertyName("type")]
    [AllowedValues("ClusterIP", "NodePort", "LoadBalancer")]
    [DefaultValue("ClusterIP")]
    [Description("Service type.")]
    public string Type { get; set; } = "ClusterIP";
}

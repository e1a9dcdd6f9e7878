using System.Text.Json;
using LlmOperator.Operator.Webhooks.Admission;
using LlmOperator.Operator.Webhooks.Handlers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Webhooks;

/// <summary>
/// One POST of an AdmissionReview: read, hand to the webhook, answer with the request's uid. A body that is not an
/// admission.k8s.io/v1 AdmissionReview is a 400 (the API server then applies the failurePolicy).
/// </summary>
internal static class WebhookEndpoint
{
    public static async Task HandleAsync(HttpContext context, IAdmissionHandler handler, ILogger logger)
    {
        AdmissionReview? review;
        try
        {
            review = await JsonSerializer.DeserializeAsync<AdmissionReview>(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException e)
        {
            await BadRequestAsync(context, $"the body is not an AdmissionReview: {e.Message}");
            return;
        }
        if (review is not { ApiVersion: AdmissionReview.V1, Kind: AdmissionReview.ReviewKind, Request: { } request })
        {
            await BadRequestAsync(context, $"expected an {AdmissionReview.V1} {AdmissionReview.ReviewKind} with a request, got " +
                                           $"apiVersion '{review?.ApiVersion}', kind '{review?.Kind}'");
            return;
        }

        var response = await handler.ReviewAsync(request, context.RequestAborted);
        logger.LogInformation("Admission {Path} {Operation} {Namespace}/{Name}: {Decision}{Warnings}",
            handler.Path, request.Operation, request.Namespace, request.Name,
            response.Allowed ? (response.Patch is null ? "allowed" : "allowed with patch") : $"denied ({response.Status?.Code})",
            response.Warnings is { Count: > 0 } w ? $", {w.Count} warning(s)" : "");
        await context.Response.WriteAsJsonAsync(AdmissionReview.Answer(response with { Uid = request.Uid }), context.RequestAborted);
    }

    private static Task BadRequestAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// While a stopping engine still serves (the shutdown delay and the drain), every response says
/// <c>Connection: close</c>: a client's keep-alive connection to this pod ends after the answer it is waiting for, and
/// its next request opens a new connection, which the Service routes to another pod. Otherwise the listener's close
/// at the end of the delay would cut idle pooled connections under a request just sent, which no client retries.
/// </summary>
public static class DrainingConnections
{
    public static void Use(IApplicationBuilder app) => app.Use((context, next) =>
    {
        var state = context.RequestServices.GetRequiredService<EngineState>();
        if (state.IsStopping) context.Response.Headers.Connection = "close";
        return next(context);
    });
}

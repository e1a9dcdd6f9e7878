using k8s.LeaderElection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Runtime;

/// <summary>
/// Runs the controller only while this process holds the Lease (client-go's leader election, through the client's
/// <see cref="LeaderElector"/>): started on OnStartedLeading, cancelled on OnStoppedLeading, so two operator replicas
/// never reconcile at once. Without a lock (no <c>--leader-elect</c>) the controller simply runs. On a graceful stop
/// the lease is released so a standby takes over at once instead of after LeaseDuration.
/// </summary>
public sealed class LeaderElectionService(ILeaderWork work, OperatorOptions options, ILock? leaseLock, ILogger<LeaderElectionService> logger)
    : BackgroundService
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _term;
    private Task _running = Task.CompletedTask;

    /// <summary>Whether this process runs the controller now.</summary>
    public bool IsLeading { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (leaseLock is null)
        {
            IsLeading = true;
            await RunWorkAsync(stoppingToken).ConfigureAwait(false);
            return;
        }
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        elector.OnStartedLeading += () => StartTerm(stoppingToken);
        elector.OnStoppedLeading += StopTerm;
        elector.OnNewLeader += leader => logger.LogInformation("Leader is now {Leader} (this process: {Identity})", leader, leaseLock.Identity);
        elector.OnError += e => logger.LogDebug(e, "Leader election: {Message}", e.Message);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken).ConfigureAwait(false);
                }
                // A failure the elector does not handle itself (e.g. the API server unreachable while acquiring):
                // stand down and try again, rather than end the process's only chance to lead.
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Leader election failed; retrying in {RetryPeriod}", options.RetryPeriod);
                    StopTerm();
                    await Task.Delay(options.RetryPeriod, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            StopTerm();
            await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (elector.IsLeader()) await ReleaseAsync(leaseLock).ConfigureAwait(false);
        }
    }

    private void StartTerm(CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            _term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var token = _term.Token;
            var previous = _running;
            IsLeading = true;
            logger.LogInformation("Acquired the lease {Lease} as {Identity}: starting the controller", leaseLock!.Describe(), leaseLock.Identity);
            // The previous term must have stopped writing before this one starts.
            _running = Task.Run(async () =>
            {
                await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await RunWorkAsync(token).ConfigureAwait(false);
            }, CancellationToken.None);
        }
    }

    private void StopTerm()
    {
        lock (_gate)
        {
            if (_term is null) return;
            logger.LogInformation("Lost or gave up the lease: stopping the controller");
            IsLeading = false;
            _term.Cancel();
            _term.Dispose();
            _term = null;
        }
    }

    private async Task RunWorkAsync(CancellationToken token)
    {
        try
        {
            await work.RunAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "The controller stopped with an error");
        }
    }

    /// <summary>An empty holder ends the lease: other candidates take it on their next try.</summary>
    private async Task ReleaseAsync(ILock leaseLock)
    {
        try
        {
            var now = DateTime.UtcNow;
            // CancellationToken.None: the stopping token is already cancelled, and this last write is the point of stopping well.
            await leaseLock.UpdateAsync(new LeaderElectionRecord
            {
                HolderIdentity = "", LeaseDurationSeconds = 1, AcquireTime = now, RenewTime = now,
            }, CancellationToken.None).ConfigureAwait(false);
            logger.LogInformation("Released the lease {Lease}", leaseLock.Describe());
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release the lease {Lease}; another replica takes it after it expires", leaseLock.Describe());
        }
    }
}

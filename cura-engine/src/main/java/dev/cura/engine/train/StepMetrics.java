package dev.cura.engine.train;

/**
 * One optimizer step as reported to listeners.
 *
 * @param step 1-based step
 * @param totalSteps steps of the run
 * @param epoch data epoch
 * @param loss mean NLL over the step's target tokens
 * @param lr learning rate used
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond tokens (all positions) per second over the run so far
 * @param peakRssBytes the process's peak resident set so far
 * @param etaSeconds estimated seconds to the end
 * @param pagedBytes optimizer-state bytes moved between the page file and memory in this step
 */
public record StepMetrics(
    long step,
    long totalSteps,
    int epoch,
    double loss,
    double lr,
    double gradNorm,
    double tokensPerSecond,
    long peakRssBytes,
    double etaSeconds,
    long pagedBytes) {}

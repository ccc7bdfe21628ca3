package io.goroutines.agent.transform;

/**
 * A call to a {@code @Goroutine} method (or an override of one) that cannot unwind: if the callee
 * parks while a goroutine runs this code, the goroutine blocks its carrier thread ("pins").
 *
 * @param at     the call site
 * @param callee the method called, e.g. {@code io.goroutines.Chan.recv}
 * @param reason why the call pins, e.g. {@code monitor held (synchronized block)}
 * @param advice what to do about it
 */
public record PinnedCall(CodeSite at, String callee, String reason, String advice)
{
}

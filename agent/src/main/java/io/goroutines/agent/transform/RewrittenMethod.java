package io.goroutines.agent.transform;

/**
 * A method the transform rewrites: into a state machine, or (with no suspension point, or when it
 * could not be rewritten) only so that it takes the caller's token at entry.
 *
 * @param at               the method, at its first line
 * @param suspensionPoints its suspension points (0: it only takes the token)
 * @param leftAsItWas      why its code was left as it was although it is suspendable (it could not be
 *                         analysed, did not verify, grew too large, or its class could not be
 *                         rewritten), or null; a park below it then pins
 */
public record RewrittenMethod(CodeSite at, int suspensionPoints, String leftAsItWas)
{
}

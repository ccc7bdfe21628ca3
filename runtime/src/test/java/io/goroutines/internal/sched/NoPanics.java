package io.goroutines.internal.sched;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(NoPanics.class)}: goroutine panics are recorded instead of ending the JVM, and
 * a test fails when a goroutine panicked during it.
 */
public final class NoPanics implements BeforeAllCallback, AfterEachCallback
{
    /** {@inheritDoc} */
    @Override
    public void beforeAll(final ExtensionContext context)
    {
        TestSupport.recordPanics();
    }

    /** {@inheritDoc} */
    @Override
    public void afterEach(final ExtensionContext context)
    {
        TestSupport.assertNoPanics();
    }
}

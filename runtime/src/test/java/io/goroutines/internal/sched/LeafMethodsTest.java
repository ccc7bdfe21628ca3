package io.goroutines.internal.sched;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.goroutines.Chan;

class LeafMethodsTest
{
    @Test
    void shouldKnowPublicLeavesAndTheirHelpersByDescriptor()
    {
        assertTrue(LeafMethods.isLeaf(Chan.class, "send(Ljava/lang/Object;)V"));
        assertTrue(LeafMethods.isLeaf(Chan.class, "recv()Ljava/lang/Object;"));
        assertTrue(LeafMethods.isLeaf(Chan.class, "recvSlow(Lio/goroutines/internal/sched/G;I)Ljava/lang/Object;"));
        assertFalse(LeafMethods.isLeaf(Chan.class, "trySend(Ljava/lang/Object;)Z"), "not suspendable");
        assertFalse(LeafMethods.isLeaf(Chan.class, "send(Ljava/lang/Integer;)V"), "the descriptor counts");
    }

    @Test
    void shouldHideOnlyPrivateLeavesOfTheRuntimeFromDumps()
    {
        assertTrue(LeafMethods.isHelper("io.goroutines.Chan", "resumeRecv"));
        assertTrue(LeafMethods.isHelper("io.goroutines.Chan", "sendSlow"));
        assertFalse(LeafMethods.isHelper("io.goroutines.Chan", "send"), "the leaf the caller called stays");
        assertFalse(LeafMethods.isHelper("io.goroutines.Chan", "unbufferLocked"), "not a leaf");
        assertFalse(LeafMethods.isHelper("io.goroutines.NoSuchClass", "resumeRecv"));
        assertFalse(LeafMethods.isHelper("com.example.Chan", "resumeRecv"));
    }
}

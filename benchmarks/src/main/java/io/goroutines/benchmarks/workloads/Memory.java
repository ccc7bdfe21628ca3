package io.goroutines.benchmarks.workloads;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two memory figures of the parked workload: the managed heap after full collections, and the
 * process's resident set as the OS reports it.
 */
final class Memory
{
    /** Full collections before reading the heap. */
    private static final int GCS = 3;

    private Memory()
    {
    }

    /** Heap bytes in use after {@value #GCS} requested full collections. */
    static long heapAfterGc()
    {
        for (int i = 0; i < GCS; i++)
        {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The resident set size (VmRSS of /proc/self/status) in bytes; 0 where there is no such file. */
    static long rss()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.split("\\s+")[1]) * 1024;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0;
        }
        return 0;
    }
}

package io.goroutines.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.TypeConversionException;

class OptionConvertersTest
{
    @ParameterizedTest
    @CsvSource({"1ns,1", "500us,500000", "500\u00b5s,500000", "10ms,10000000", "2s,2000000000", "off,0"})
    void shouldParseDurations(final String text, final long ns)
    {
        assertEquals(ns, OptionConverters.parseDurationNs(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "ms", "10 ms", "10MS", "-5ms", "0s", "1m", "OFF", "1h"})
    void shouldRejectBadDurations(final String text)
    {
        assertThrows(TypeConversionException.class, () -> OptionConverters.parseDurationNs(text));
    }

    @ParameterizedTest
    @CsvSource({"1,1ns", "500000,500us", "10000000,10ms", "3000000000,3s", "0,off", "1500000,1500us"})
    void shouldFormatDurations(final long ns, final String text)
    {
        assertEquals(text, OptionConverters.formatDuration(ns));
    }

    @ParameterizedTest
    @CsvSource({"512k,524288", "512K,524288", "64m,67108864", "1g,1073741824", "262144,262144"})
    void shouldParseSizes(final String text, final long bytes)
    {
        assertEquals(bytes, OptionConverters.parseStackBytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k", "1.5m", "16 m", "16mb", "255k", "1025m", "99999999999999999999g"})
    void shouldRejectBadSizes(final String text)
    {
        assertThrows(TypeConversionException.class, () -> OptionConverters.parseStackBytes(text));
    }

    @ParameterizedTest
    @CsvSource({"524288,512k", "16777216,16m", "1073741824,1g", "262145,262145"})
    void shouldFormatSizes(final long bytes, final String text)
    {
        assertEquals(text, OptionConverters.formatSize(bytes));
    }

    @ParameterizedTest
    @CsvSource({"localhost:6060,localhost,6060", "127.0.0.1:0,127.0.0.1,0", "[::1]:6060,::1,6060",
        "my-host.example.com:65535,my-host.example.com,65535"})
    void shouldParseHostPort(final String text, final String host, final int port)
    {
        final HostPort hostPort = new OptionConverters.Debug().convert(text);

        assertEquals(new HostPort(host, port), hostPort);
        assertEquals(text, hostPort.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":6060", "localhost", "localhost:", "localhost:65536", "a b:1", "::1:6060"})
    void shouldRejectBadHostPort(final String text)
    {
        assertThrows(TypeConversionException.class, () -> new OptionConverters.Debug().convert(text));
    }
}

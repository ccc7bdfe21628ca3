package io.goroutines.agent.config;

/**
 * Value of option {@code debug}: where the HTTP debug endpoint listens.
 *
 * @param host a host name or address, never empty; an IPv6 address without brackets
 * @param port 0 (any free port) to 65535
 */
public record HostPort(String host, int port)
{
    /**
     * @return {@code host:port} as the user writes it, IPv6 addresses in brackets
     */
    @Override
    public String toString()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Goroutines;
import io.goroutines.internal.sched.Goroutines.Info;
import io.goroutines.internal.sched.Metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The HTTP debug endpoint (option {@code debug=HOST:PORT}), after Go's {@code net/http/pprof}:
 * <ul>
 *   <li>{@code /debug/goroutines?debug=2} (the default): every goroutine in the dump format;</li>
 *   <li>{@code /debug/goroutines?debug=1}: the profile that groups identical stacks with counts;</li>
 *   <li>{@code /debug/goroutines.json}: the same as JSON;</li>
 *   <li>{@code /debug/metrics}: the scheduler's figures as JSON.</li>
 * </ul>
 * The agent checks the address (loopback unless {@code debugRemote} is given) before it gets here.
 * The server's threads run in a thread group of their own, which deadlock detection knows to be the
 * runtime's (a server waiting for requests never sends on a channel).
 */
public final class DebugServer
{
    /** The thread group of the server's threads. */
    public static final ThreadGroup THREADS = new ThreadGroup("goroutines-debug");

    /** The server, once started. */
    private static volatile HttpServer server;

    private DebugServer()
    {
    }

    /**
     * Starts the endpoint; the agent calls this from premain with the option's value.
     *
     * @param hostPort {@code host:port}, an IPv6 host in brackets; port 0 picks a free port
     */
    public static void configure(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        if (colon < 0)
        {
            throw new IllegalArgumentException("debug: not HOST:PORT: " + hostPort);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        start(new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1))));
    }

    /**
     * Starts the endpoint at {@code address} and says where on stderr.
     *
     * @return the address it listens at (the port filled in)
     */
    public static synchronized InetSocketAddress start(final InetSocketAddress address)
    {
        if (null != server)
        {
            throw new IllegalStateException("debug: the endpoint already listens at " + server.getAddress());
        }
        final HttpServer s;
        try
        {
            s = HttpServer.create(address, 16);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("debug: cannot listen at " + address + ": " + ex.getMessage() +
                " (choose another port with debug=HOST:PORT)", ex);
        }
        s.createContext("/debug/goroutines", DebugServer::goroutines);
        s.createContext("/debug/goroutines.json", e -> send(e, 200, "application/json",
            Dumps.json(Goroutines.all(List.of()))));
        s.createContext("/debug/metrics", e -> send(e, 200, "application/json", json(Metrics.snapshot())));
        s.createContext("/", e -> send(e, 404, "text/plain", "goroutines: no such page; try /debug/goroutines?debug=1|2," +
            " /debug/goroutines.json or /debug/metrics\n"));
        s.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "goroutines-debug-handler")));
        // the server's dispatcher thread joins the group of the thread that starts it
        final Thread starter = daemon(s::start, "goroutines-debug-start");
        starter.start();
        try
        {
            starter.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        server = s;
        final String host = address.getHostString();
        System.err.println("goroutines: debug endpoint at http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) +
            ":" + s.getAddress().getPort() + "/debug/goroutines");
        return s.getAddress();
    }

    private static Thread daemon(final Runnable r, final String name)
    {
        final Thread t = new Thread(THREADS, r, name);
        t.setDaemon(true);
        return t;
    }

    private static void goroutines(final HttpExchange e) throws IOException
    {
        if (!"/debug/goroutines".equals(e.getRequestURI().getPath()))
        {
            send(e, 404, "text/plain", "goroutines: no such page: " + e.getRequestURI().getPath() + "\n");
            return;
        }
        final String query = null == e.getRequestURI().getQuery() ? "" : e.getRequestURI().getQuery();
        final List<Info> infos = Goroutines.all(List.of());
        if (query.isEmpty() || query.equals("debug=2"))
        {
            send(e, 200, "text/plain", Dumps.text(infos));
        }
        else if (query.equals("debug=1"))
        {
            send(e, 200, "text/plain", Dumps.profile(infos));
        }
        else
        {
            send(e, 400, "text/plain", "goroutines: unknown query '" + query + "' (accepted: debug=1, debug=2)\n");
        }
    }

    private static void send(final HttpExchange e, final int status, final String type, final String body)
        throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody())
        {
            out.write(bytes);
        }
    }

    /** The metrics as one JSON object. */
    static String json(final Map<String, Object> metrics)
    {
        final StringBuilder sb = new StringBuilder(512).append('{');
        boolean first = true;
        for (final Map.Entry<String, Object> m : metrics.entrySet())
        {
            sb.append(first ? "" : ",");
            first = false;
            Dumps.quote(sb, m.getKey());
            sb.append(':');
            final Object v = m.getValue();
            if (v instanceof List<?> list)
            {
                sb.append('[');
                for (int i = 0; i < list.size(); i++)
                {
                    sb.append(0 == i ? "" : ",").append(list.get(i));
                }
                sb.append(']');
            }
            else
            {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }
}

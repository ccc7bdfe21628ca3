package io.goroutines.internal.sched;

import io.goroutines.internal.stack.MethodRegistry;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who waits on whom, once every goroutine is asleep: the cycle a deadlock report names (Go only
 * says that everyone sleeps).
 *
 * <p>What it knows: each parked goroutine's {@link G#waitingOn} (the channel, mutex, WaitGroup or
 * condition it waits on; a select's channels), and each parked goroutine's saved frames, whose
 * references say what it holds (its locals, and one level into the fields of the application's
 * objects among them, such as a lambda's captured values or a struct of channels). Goroutine A
 * <em>waits for</em> goroutine B when B holds what A waits on: when everyone sleeps, only B could
 * have sent, unlocked or counted down. A cycle of such edges is a set of goroutines each waiting
 * for the next, which is what the user must break. The model is one of references, not of
 * intentions: B holding a channel says B could send on it, not that it meant to.
 *
 * <p>Cost: nothing while the program runs (one plain store per park, with the wait reason); at
 * report time linear in the saved references, with at most {@link #HOLDERS} holders kept per
 * object, so a million goroutines sharing one channel do not make a million squared edges (a cycle
 * through a crowd can then be missed, never invented).
 */
public final class WaitGraph
{
    /** Holders kept per object. */
    private static final int HOLDERS = 16;
    /** Cycles reported at most. */
    private static final int MAX_CYCLES = 8;

    private WaitGraph()
    {
    }

    /** A goroutine holding an object, and the frame that holds it. */
    private record Holder(G g, String frame)
    {
    }

    /** An edge: the waiter waits on {@code on}, which {@code holder} holds. */
    private record Edge(int to, Object on, String frame)
    {
    }

    /**
     * The cycles among {@code goroutines} (those not parked are ignored), as report lines: a header
     * per cycle, then one line per goroutine of it. Empty when there is none.
     */
    static List<String> describe(final List<G> goroutines)
    {
        final List<G> asleep = new ArrayList<>();
        for (final G g : goroutines)
        {
            final int s = g.state();
            if (G.WAITING == s || G.PINNED == s)
            {
                asleep.add(g);
            }
        }
        final Map<G, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < asleep.size(); i++)
        {
            index.put(asleep.get(i), i);
        }
        final Map<Object, List<Holder>> holders = holders(asleep);
        final List<List<Edge>> edges = new ArrayList<>(asleep.size());
        final int[][] adjacency = new int[asleep.size()][];
        for (int i = 0; i < asleep.size(); i++)
        {
            final G g = asleep.get(i);
            final List<Edge> out = new ArrayList<>();
            for (final Object on : targets(g.waitingOn))
            {
                for (final Holder h : holders.getOrDefault(on, List.of()))
                {
                    final int to = index.get(h.g());
                    if (h.g() != g && out.stream().noneMatch(e -> e.to() == to))
                    {
                        out.add(new Edge(to, on, h.frame()));
                    }
                }
            }
            edges.add(out);
            adjacency[i] = out.stream().mapToInt(Edge::to).toArray();
        }
        final List<String> lines = new ArrayList<>();
        for (final int[] cycle : cycles(adjacency))
        {
            final StringBuilder head = new StringBuilder("goroutines waiting on each other in a cycle: ");
            for (final int node : cycle)
            {
                head.append(asleep.get(node).id).append(" -> ");
            }
            lines.add(head.append(asleep.get(cycle[0]).id).toString());
            for (int k = 0; k < cycle.length; k++)
            {
                final G g = asleep.get(cycle[k]);
                final int next = cycle[(k + 1) % cycle.length];
                final Edge e = edges.get(cycle[k]).stream().filter(x -> x.to() == next).findFirst().orElseThrow();
                final GRecord r = g.record;
                final String site = null == r ? null : r.waitSite();
                lines.add("goroutine " + g.id + " [" + (null == r ? g.waitReason : r.reason) + "]" +
                    (null == site ? "" : " at " + site) + " waits on " + name(e.on()) + ", which goroutine " +
                    asleep.get(next).id + " holds in " + e.frame());
            }
        }
        return lines;
    }

    /** What a goroutine waits on: one object, a select's channels, or nothing. */
    private static List<Object> targets(final Object on)
    {
        if (null == on)
        {
            return List.of();
        }
        return on instanceof Object[] ? Arrays.asList((Object[])on) : List.of(on);
    }

    /** Every object held by the parked goroutines' own frames (the runtime's frames left out). */
    private static Map<Object, List<Holder>> holders(final List<G> asleep)
    {
        final Map<Object, List<Holder>> holders = new IdentityHashMap<>();
        for (final G g : asleep)
        {
            if (G.WAITING != g.state())
            {
                continue; // a pinned goroutine's frames are on its carrier's stack, not saved
            }
            g.forEachRef((method, site, ref) ->
            {
                if (MethodRegistry.isRuntime(method))
                {
                    return;
                }
                final MethodRegistry.Entry e = MethodRegistry.entry(method);
                final Holder h = new Holder(g, null == e ? "?" : e.frame(site));
                hold(holders, ref, h);
                for (final Object inner : fields(ref))
                {
                    hold(holders, inner, h);
                }
            });
        }
        return holders;
    }

    private static void hold(final Map<Object, List<Holder>> holders, final Object ref, final Holder h)
    {
        final List<Holder> list = holders.computeIfAbsent(ref, x -> new ArrayList<>(2));
        if (list.size() < HOLDERS && list.stream().noneMatch(x -> x.g() == h.g()))
        {
            list.add(h);
        }
    }

    /** One level into an application object: its reference fields, or an array's elements. */
    private static List<Object> fields(final Object ref)
    {
        final Class<?> c = ref.getClass();
        if (c.isArray())
        {
            return c.getComponentType().isPrimitive() ? List.of() : nonNull(Arrays.asList((Object[])ref));
        }
        if (!application(c))
        {
            return List.of();
        }
        final List<Object> out = new ArrayList<>();
        for (Class<?> k = c; null != k && application(k); k = k.getSuperclass())
        {
            for (final Field f : k.getDeclaredFields())
            {
                if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive() && f.trySetAccessible())
                {
                    try
                    {
                        final Object v = f.get(ref);
                        if (null != v)
                        {
                            out.add(v);
                        }
                    }
                    catch (final IllegalAccessException | RuntimeException skipped)
                    {
                        // not readable: this field says nothing
                    }
                }
            }
        }
        return out;
    }

    private static List<Object> nonNull(final List<Object> list)
    {
        final List<Object> out = new ArrayList<>();
        for (final Object o : list)
        {
            if (null != o)
            {
                out.add(o);
            }
        }
        return out;
    }

    /** A class of the application: not the JDK's, not the runtime's own. */
    private static boolean application(final Class<?> c)
    {
        final String n = c.getName();
        return !(n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.") || n.startsWith("sun.") ||
            n.startsWith("com.sun.") || MethodRegistry.isRuntimeClass(n.replace('.', '/')));
    }

    /** An object as the report names it: its class and identity, as Object.toString would. */
    private static String name(final Object o)
    {
        return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /**
     * Cycles of a directed graph, at most one per strongly connected component of two or more
     * nodes (the shortest one through its first node), at most {@link #MAX_CYCLES}.
     *
     * @param adjacency the successors of each node
     * @return the cycles, each as its nodes in order (the edge from the last to the first closes it)
     */
    static List<int[]> cycles(final int[][] adjacency)
    {
        final int[] component = components(adjacency);
        final List<int[]> out = new ArrayList<>();
        final boolean[] seen = new boolean[adjacency.length + 1];
        for (int start = 0; start < adjacency.length && out.size() < MAX_CYCLES; start++)
        {
            final int comp = component[start];
            if (seen[comp])
            {
                continue;
            }
            final int[] cycle = shortestCycle(adjacency, component, start);
            if (null != cycle)
            {
                seen[comp] = true;
                out.add(cycle);
            }
        }
        return out;
    }

    /** Breadth-first from {@code start} within its component back to it, or null when alone. */
    private static int[] shortestCycle(final int[][] adjacency, final int[] component, final int start)
    {
        final int[] parent = new int[adjacency.length];
        Arrays.fill(parent, -1);
        final ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty())
        {
            final int v = queue.poll();
            for (final int w : adjacency[v])
            {
                if (w == start)
                {
                    final List<Integer> path = new ArrayList<>();
                    for (int x = v; x != start; x = parent[x])
                    {
                        path.add(x);
                    }
                    path.add(start);
                    final int[] cycle = new int[path.size()];
                    for (int i = 0; i < cycle.length; i++)
                    {
                        cycle[i] = path.get(cycle.length - 1 - i);
                    }
                    return cycle;
                }
                if (component[w] == component[start] && -1 == parent[w] && w != start)
                {
                    parent[w] = v;
                    queue.add(w);
                }
            }
        }
        return null;
    }

    /** Strongly connected components (Tarjan's, iterative): a component number per node. */
    private static int[] components(final int[][] adjacency)
    {
        final int n = adjacency.length;
        final int[] index = new int[n];
        final int[] low = new int[n];
        final int[] comp = new int[n];
        final boolean[] onStack = new boolean[n];
        Arrays.fill(index, -1);
        final int[] stack = new int[n];
        int sp = 0;
        final int[] callNode = new int[n];
        final int[] callEdge = new int[n];
        int next = 0;
        int comps = 0;
        for (int root = 0; root < n; root++)
        {
            if (-1 != index[root])
            {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = 0;
            index[root] = low[root] = next++;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0)
            {
                final int v = callNode[depth];
                if (callEdge[depth] < adjacency[v].length)
                {
                    final int w = adjacency[v][callEdge[depth]++];
                    if (-1 == index[w])
                    {
                        index[w] = low[w] = next++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = 0;
                    }
                    else if (onStack[w])
                    {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                if (low[v] == index[v])
                {
                    int w;
                    do
                    {
                        w = stack[--sp];
                        onStack[w] = false;
                        comp[w] = comps;
                    }
                    while (w != v);
                    comps++;
                }
                depth--;
                if (depth >= 0)
                {
                    final int u = callNode[depth];
                    low[u] = Math.min(low[u], low[v]);
                }
            }
        }
        return comp;
    }
}

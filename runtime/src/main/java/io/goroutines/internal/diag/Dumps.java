package io.goroutines.internal.diag;

import io.goroutines.internal.sched.Goroutines;
import io.goroutines.internal.sched.Goroutines.Info;
import io.goroutines.internal.sched.Sched;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Goroutine dumps in the three forms of SPEC.md section 3: Go's {@code debug=2} text (one block per
 * goroutine: {@code goroutine 7 [chan receive, 3 minutes]:}, its frames, {@code created by ...}),
 * the {@code debug=1} profile that groups goroutines with the same status and stack and counts them,
 * and JSON. The calling goroutine, when there is one, comes first, as in Go's {@code runtime.Stack}.
 */
public final class Dumps
{
    private Dumps()
    {
    }

    /**
     * The goroutines as a dump shows them: the caller first, then the others by id.
     *
     * @param all        false for the caller alone
     * @param selfFrames the caller's frames, innermost first
     */
    public static List<Info> goroutines(final boolean all, final List<String> selfFrames)
    {
        if (!all)
        {
            final Info self = Goroutines.self(selfFrames);
            return List.of(null == self ? new Info(0, "running", 0, selfFrames, null, 0) : self);
        }
        final List<Info> infos = new ArrayList<>(Goroutines.all(selfFrames));
        final Info self = Goroutines.self(selfFrames);
        if (null != self)
        {
            infos.removeIf(i -> i.id() == self.id());
        }
        infos.add(0, null == self ? new Info(0, "running", 0, selfFrames, null, 0) : self);
        return infos;
    }

    /**
     * The dump {@code java -jar goroutines.jar dump PID} prints (through the MBean's {@code dump()}):
     * every goroutine in the {@code debug=2} form, or null when no goroutine was ever started in this
     * JVM (the scheduler is then not started for it).
     */
    public static String remote()
    {
        return Sched.running() ? text(Goroutines.all(List.of())) : null;
    }

    /** Go's {@code debug=2} form: one block per goroutine, blank lines between. */
    public static String text(final List<Info> infos)
    {
        final StringBuilder sb = new StringBuilder(256 * Math.max(1, infos.size()));
        for (int i = 0; i < infos.size(); i++)
        {
            if (i > 0)
            {
                sb.append('\n');
            }
            appendBlock(sb, infos.get(i));
        }
        return sb.toString();
    }

    /** One goroutine's block: header, frames, {@code created by}. */
    static void appendBlock(final StringBuilder sb, final Info info)
    {
        sb.append("goroutine ").append(info.id()).append(" [").append(info.bracket()).append("]:\n");
        for (final String frame : info.frames())
        {
            sb.append(frame).append('\n');
        }
        if (null != info.createdBy())
        {
            sb.append("created by ").append(info.createdBy()).append('\n');
        }
    }

    /**
     * Go's {@code debug=1} profile: {@code goroutine profile: total N}, then for each distinct
     * status, stack and creation site the count and the frames, most numerous first.
     */
    public static String profile(final List<Info> infos)
    {
        final Map<List<Object>, List<Info>> groups = new LinkedHashMap<>();
        for (final Info info : infos)
        {
            final List<Object> key = new ArrayList<>(info.frames().size() + 2);
            key.add(info.status());
            key.addAll(info.frames());
            key.add(String.valueOf(info.createdBy()));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(info);
        }
        final List<List<Info>> ordered = new ArrayList<>(groups.values());
        ordered.sort((a, b) -> Integer.compare(b.size(), a.size()));
        final StringBuilder sb = new StringBuilder(128 * Math.max(1, ordered.size()));
        sb.append("goroutine profile: total ").append(infos.size()).append('\n');
        for (final List<Info> group : ordered)
        {
            final Info first = group.get(0);
            sb.append(group.size()).append(" @ [").append(first.status()).append("]\n");
            for (final String frame : first.frames())
            {
                sb.append("#\t").append(frame).append('\n');
            }
            if (null != first.createdBy())
            {
                sb.append("#\tcreated by ").append(first.createdBy()).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * JSON: {@code {"total":N,"goroutines":[{"id":7,"status":"chan receive","waitSeconds":185,
     * "frames":["..."],"createdBy":"...","parent":1}]}}.
     */
    public static String json(final List<Info> infos)
    {
        final StringBuilder sb = new StringBuilder(256 * Math.max(1, infos.size()));
        sb.append("{\"total\":").append(infos.size()).append(",\"goroutines\":[");
        for (int i = 0; i < infos.size(); i++)
        {
            final Info info = infos.get(i);
            sb.append(0 == i ? "" : ",").append("{\"id\":").append(info.id()).append(",\"status\":");
            quote(sb, info.status());
            sb.append(",\"waitSeconds\":").append(info.waitNs() / 1_000_000_000L).append(",\"frames\":[");
            for (int k = 0; k < info.frames().size(); k++)
            {
                sb.append(0 == k ? "" : ",");
                quote(sb, info.frames().get(k));
            }
            sb.append("],\"createdBy\":");
            if (null == info.createdBy())
            {
                sb.append("null");
            }
            else
            {
                quote(sb, info.createdBy());
            }
            sb.append(",\"parent\":").append(info.parentId()).append('}');
        }
        return sb.append("]}").toString();
    }

    /** Appends {@code s} as a JSON string. */
    static void quote(final StringBuilder sb, final String s)
    {
        sb.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}

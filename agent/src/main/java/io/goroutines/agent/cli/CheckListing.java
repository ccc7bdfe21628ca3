package io.goroutines.agent.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.goroutines.agent.transform.CodeSite;
import io.goroutines.agent.transform.PinnedCall;
import io.goroutines.agent.transform.RewrittenMethod;
import io.goroutines.agent.transform.TransformListener;

/**
 * What {@code check} prints: one line per rewritten method and per call site that would pin,
 * sorted by class, then by line, then a summary.
 * <pre>
 * rewrite com.example.Worker.run()V (Worker.java:12)
 * pin com.example.Worker.locked (Worker.java:40) calls @Goroutine io.goroutines.Chan.recv: monitor held
 *     (synchronized block); move the blocking call out of the synchronized block (or ...)
 * 2 classes scanned, 1 method to rewrite, 1 call site that would pin
 * </pre>
 * A rewritten method is named with its descriptor (overloads differ there); a call site as a stack
 * trace names a frame, the line telling overloads apart. A line whose source line is unknown sorts
 * after the others of its class.
 */
final class CheckListing implements TransformListener
{
    /** Sorts by class, then line (unknown last), then rewrites before pins, then text. */
    private static final Comparator<Line> ORDER = Comparator.comparing(Line::className)
        .thenComparingInt(l -> l.line() < 0 ? Integer.MAX_VALUE : l.line())
        .thenComparingInt(Line::kind)
        .thenComparing(Line::text);

    private final List<Line> lines = new ArrayList<>();
    private int rewrites;
    private int pins;

    /** Adds a {@code rewrite} line. */
    @Override
    public void rewritten(final RewrittenMethod method)
    {
        final CodeSite at = method.at();
        rewrites++;
        lines.add(new Line(at.className(), at.line(), 0, "rewrite " + at.className() + "." + at.method()
            + at.descriptor() + " (" + at.where() + ")" + (null == method.leftAsItWas() ? ""
            : ": left as it was, it only takes the caller's token (" + method.leftAsItWas() + ")")));
    }

    /** Adds a {@code pin} line. */
    @Override
    public void pinned(final PinnedCall call)
    {
        final CodeSite at = call.at();
        pins++;
        lines.add(new Line(at.className(), at.line(), 1, "pin " + at.className() + "." + at.method() + " ("
            + at.where() + ") calls @Goroutine " + call.callee() + ": " + call.reason() + "; " + call.advice()));
    }

    /**
     * @return the lines heard so far, sorted
     */
    List<String> lines()
    {
        return lines.stream().sorted(ORDER).map(Line::text).toList();
    }

    /**
     * @return how many call sites would pin
     */
    int pins()
    {
        return pins;
    }

    /**
     * @param classes how many classes were scanned
     * @return {@code N classes scanned, M methods to rewrite, K call sites that would pin}
     */
    String summary(final int classes)
    {
        return count(classes, "class", "classes") + " scanned, " + count(rewrites, "method", "methods")
            + " to rewrite, " + count(pins, "call site", "call sites") + " that would pin";
    }

    private static String count(final int n, final String one, final String many)
    {
        return n + " " + (1 == n ? one : many);
    }

    /**
     * One line of the listing with its sort keys.
     *
     * @param className the class it is about
     * @param line      its source line, or -1
     * @param kind      0 for a rewritten method, 1 for a pinned call
     * @param text      the line
     */
    private record Line(String className, int line, int kind, String text)
    {
    }
}

package io.goroutines.samples;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.annotation.Goroutine;
import io.goroutines.sync.WaitGroup;

/**
 * Stages joined by channels, fan-out and fan-in, after the Go blog's "Go Concurrency Patterns:
 * Pipelines and cancellation" (https://go.dev/blog/pipelines):
 * <pre>
 * func gen(nums ...int) &lt;-chan int             // sends each number, then closes
 * func sq(in &lt;-chan int) &lt;-chan int           // squares until in is closed, then closes
 * func merge(cs ...&lt;-chan int) &lt;-chan int     // one goroutine per input, WaitGroup, then close
 *
 * in := gen(1, ..., n)
 * c1, c2, ... := sq(in), sq(in), ...           // fan-out: the sq stages share one input
 * for v := range merge(c1, c2, ...) { sum += v }  // fan-in
 * </pre>
 * Each stage closes its output once its input is closed and drained, so the close made by
 * {@code gen} travels down the pipeline and ends {@code main}'s loop; nothing is left running.
 * {@code gen}, {@code sq} and {@code merge} only start goroutines, so they are plain methods;
 * the bodies they start are {@code Task} lambdas, which are suspendable.
 * <p>
 * The squares arrive in any order; their sum does not depend on it. Output for the default
 * {@code n = 100} and 4 {@code sq} stages:
 * <pre>
 * pipeline: 100 squares through 4 sq stages
 * pipeline: sum=338350
 * </pre>
 * The sum is checked against {@code n(n+1)(2n+1)/6}; a mismatch is a panic (exit status 2).
 * Run: {@code java -javaagent:agent/target/goroutines.jar -cp sample-apps/target/sample-apps.jar
 * io.goroutines.samples.Pipeline [N [STAGES]]}.
 */
public final class Pipeline
{
    /** Default count of numbers sent by gen. */
    private static final int DEFAULT_N = 100;
    /** Default count of sq stages reading gen's output. */
    private static final int DEFAULT_STAGES = 4;

    private Pipeline()
    {
    }

    /**
     * The main goroutine: the program ends when it returns.
     *
     * @param args optional N (numbers 1..N) and STAGES (sq stages)
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final int n = 0 < args.length ? Integer.parseInt(args[0]) : DEFAULT_N;
        final int stages = 1 < args.length ? Integer.parseInt(args[1]) : DEFAULT_STAGES;

        final RecvChan<Long> in = gen(n);
        @SuppressWarnings("unchecked")
        final RecvChan<Long>[] squares = new RecvChan[stages];
        for (int i = 0; i < stages; i++)
        {
            squares[i] = sq(in);
        }

        long sum = 0;
        int count = 0;
        Long v;
        final RecvChan<Long> merged = merge(squares);
        while (null != (v = merged.recv()))
        {
            sum += v;
            count++;
        }

        final long expected = (long)n * (n + 1) * (2L * n + 1) / 6;
        if (count != n || sum != expected)
        {
            throw new IllegalStateException(
                "pipeline: got " + count + " squares summing to " + sum + ", expected " + n + " summing to " + expected);
        }
        System.out.println("pipeline: " + count + " squares through " + stages + " sq stages");
        System.out.println("pipeline: sum=" + sum);
    }

    /**
     * The first stage: a goroutine sends 1..n, then closes.
     *
     * @param n the last number
     * @return the numbers
     */
    static RecvChan<Long> gen(final int n)
    {
        final Chan<Long> out = Chan.make();
        Go.go(() ->
        {
            for (long i = 1; i <= n; i++)
            {
                out.send(i);
            }
            out.close();
        });
        return out;
    }

    /**
     * A middle stage: a goroutine squares what it receives until {@code in} is closed, then closes.
     *
     * @param in the numbers, possibly shared with other sq stages
     * @return their squares
     */
    static RecvChan<Long> sq(final RecvChan<Long> in)
    {
        final Chan<Long> out = Chan.make();
        Go.go(() ->
        {
            Long v;
            while (null != (v = in.recv()))
            {
                out.send(v * v);
            }
            out.close();
        });
        return out;
    }

    /**
     * Fan-in: one goroutine per input copies it to the output; when all are done, a last one closes it.
     *
     * @param cs the inputs
     * @return everything from every input, in arrival order
     */
    static RecvChan<Long> merge(final RecvChan<Long>[] cs)
    {
        final Chan<Long> out = Chan.make();
        final WaitGroup wg = new WaitGroup();
        wg.add(cs.length);
        for (final RecvChan<Long> c : cs)
        {
            Go.go(() -> output(c, out, wg));
        }
        Go.go(() ->
        {
            wg.await();
            out.close();
        });
        return out;
    }

    /**
     * Copies {@code c} to {@code out} until {@code c} is closed, then tells the WaitGroup.
     *
     * @param c   one input
     * @param out the merged output
     * @param wg  counts the inputs still open
     */
    @Goroutine
    private static void output(final RecvChan<Long> c, final Chan<Long> out, final WaitGroup wg)
    {
        c.range(out::send);
        wg.done();
    }
}

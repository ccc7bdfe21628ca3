package io.goroutines.samples;

import io.goroutines.Chan;
import io.goroutines.Go;
import io.goroutines.RecvChan;
import io.goroutines.SendChan;
import io.goroutines.annotation.Goroutine;

import java.time.Duration;

/**
 * A pool of workers fed by a buffered channel, after Go by Example's "Worker Pools":
 * <pre>
 * func worker(id int, jobs &lt;-chan int, results chan&lt;- int) {
 *     for j := range jobs {
 *         time.Sleep(time.Second)
 *         results &lt;- j * 2
 *     }
 * }
 * func main() {
 *     jobs := make(chan int, numJobs)
 *     results := make(chan int, numJobs)
 *     for w := 1; w &lt;= 3; w++ { go worker(w, jobs, results) }
 *     for j := 1; j &lt;= numJobs; j++ { jobs &lt;- j }
 *     close(jobs)
 *     for a := 1; a &lt;= numJobs; a++ { &lt;-results }
 * }
 * </pre>
 * Every job "works" by sleeping {@value #JOB_MS} ms ({@code Go.sleep} parks the goroutine, not its
 * carrier), so 9 jobs on 3 workers take about 3 job times rather than 9. Closing {@code jobs} ends
 * each worker's {@code range}. Which worker takes which job varies from run to run, so stdout shows
 * the results in job order, then a checksum (the sum of {@code 2 * job}, {@code n * (n + 1)}):
 * <pre>
 * job 1 -&gt; 2
 * ...
 * job 9 -&gt; 18
 * worker-pool: 9 jobs, 3 workers, checksum=90
 * </pre>
 * With {@code -v}, each worker's start and finish lines (Go by Example's output) go to stderr.
 * Run: {@code java -javaagent:agent/target/goroutines.jar -cp sample-apps/target/sample-apps.jar
 * io.goroutines.samples.WorkerPool [-v]}.
 */
public final class WorkerPool
{
    /** Number of jobs. */
    private static final int NUM_JOBS = 9;
    /** Number of workers. */
    private static final int NUM_WORKERS = 3;
    /** How long one job "works". */
    private static final long JOB_MS = 100;

    /**
     * One job's outcome.
     *
     * @param job   the job number
     * @param value the result, {@code 2 * job}
     */
    private record Result(int job, int value)
    {
    }

    private WorkerPool()
    {
    }

    /**
     * The main goroutine: the program ends when it returns.
     *
     * @param args {@code -v} to trace the workers on stderr
     */
    @Goroutine
    public static void main(final String[] args)
    {
        final boolean verbose = 0 < args.length && "-v".equals(args[0]);
        final Chan<Integer> jobs = Chan.make(NUM_JOBS);
        final Chan<Result> results = Chan.make(NUM_JOBS);

        for (int w = 1; w <= NUM_WORKERS; w++)
        {
            final int id = w;
            Go.go(() -> worker(id, jobs, results, verbose));
        }
        for (int j = 1; j <= NUM_JOBS; j++)
        {
            jobs.send(j);
        }
        jobs.close();

        final int[] byJob = new int[NUM_JOBS + 1];
        for (int a = 1; a <= NUM_JOBS; a++)
        {
            final Result r = results.recv();
            byJob[r.job()] = r.value();
        }

        long checksum = 0;
        for (int j = 1; j <= NUM_JOBS; j++)
        {
            System.out.println("job " + j + " -> " + byJob[j]);
            checksum += byJob[j];
        }
        System.out.println("worker-pool: " + NUM_JOBS + " jobs, " + NUM_WORKERS + " workers, checksum=" + checksum);
    }

    /**
     * One worker: takes jobs until {@code jobs} is closed and drained.
     *
     * @param id      the worker's number, for the trace
     * @param jobs    where jobs come from
     * @param results where results go
     * @param verbose whether to trace on stderr
     */
    @Goroutine
    private static void worker(
        final int id, final RecvChan<Integer> jobs, final SendChan<Result> results, final boolean verbose)
    {
        jobs.range((j) ->
        {
            if (verbose)
            {
                System.err.println("worker " + id + " started  job " + j);
            }
            Go.sleep(Duration.ofMillis(JOB_MS));
            if (verbose)
            {
                System.err.println("worker " + id + " finished job " + j);
            }
            results.send(new Result(j, 2 * j));
        });
    }
}

package dev.eio4j.bench.load;

import dev.eio4j.bench.load.Config.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end load generator. It speaks Engine.IO v4 and v3 itself (WebSocket and polling) or plain
 * WebSocket/HTTP ({@code --raw}), on Netty with epoll where available, spreads its connections over
 * source addresses 127.0.0.x, answers heartbeats, and is bounded: capped counts, a hard deadline, and an
 * exit code that says whether anything went wrong. {@code --help} lists the flags.
 *
 * <p>Scenarios: {@code connect} (connections/s and handshake latency), {@code idle} (the server's RSS and
 * heap per held connection, with heartbeats answered and echo probes timed), {@code ws-echo} and {@code
 * poll-echo} (messages/s and round-trip percentiles with K messages in flight per connection), {@code
 * broadcast} (a control connection sends {@code broadcast:<count>:<size>}; every connection must get every
 * message; delivered messages/s and the time until the last connection had all).
 */
public final class LoadGen implements Client.Events {
  private final Config cfg;
  private final Metrics metrics = new Metrics();
  private final Errors errors = new Errors();
  private final long t0 = System.nanoTime();
  private final long deadlineNanos;
  private final int first;
  private final int end;
  private final AtomicInteger lost = new AtomicInteger();
  private volatile Launch main;
  private Client[] clients = new Client[0];
  private Ctx ctx;
  private volatile boolean running;
  private volatile String phase = "starting";
  private final Map<String, Object> extra = new LinkedHashMap<>();

  // broadcast
  private volatile Client control;
  private final CountDownLatch controlOpened = new CountDownLatch(1);
  private volatile int currentRound;
  private volatile long roundStart;
  private volatile CountDownLatch roundLatch;
  private final AtomicLong roundLast = new AtomicLong();

  /** A run with this configuration (shard {@code cfg.shard} of {@code cfg.procs}). */
  public LoadGen(Config cfg) {
    this.cfg = cfg;
    this.deadlineNanos = t0 + (long) (cfg.deadline() * 1e9);
    this.first = cfg.shardStart(cfg.shard);
    this.end = cfg.shardStart(cfg.shard + 1);
  }

  /** Entry point; see {@link Config#printHelp}. */
  public static void main(String[] args) {
    Config cfg;
    try {
      cfg = Config.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("Run with --help for the flags.");
      System.exit(2);
      return;
    }
    if (cfg.help) {
      Config.printHelp(System.out);
      return;
    }
    LoadGen g = new LoadGen(cfg);
    if (cfg.shard > 0) {
      g.watchParent();
    }
    g.startWatchdog();
    Map<String, Object> result;
    try {
      result = g.run();
    } catch (Exception e) {
      g.errors.add("run failed: " + e);
      result = g.partial("run failed: " + e);
    }
    if (cfg.shard > 0) {
      System.out.println("RESULT " + Json.write(result));
      System.out.flush();
      System.exit(0);
      return;
    }
    print(result, cfg.json, System.out);
    long n = ((Number) result.get("errors")).longValue();
    System.exit(n > cfg.maxErrors ? 1 : 0);
  }

  // ------------------------------------------------------------------ bounds

  private final CountDownLatch go = new CountDownLatch(1);

  /** A child: GO on stdin starts the main phase; EOF (the parent is gone) ends the process. */
  private void watchParent() {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.trim().equals("GO")) {
                    go.countDown();
                  }
                }
              } catch (IOException e) {
                // treated as EOF
              }
              Runtime.getRuntime().halt(4);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  private void startWatchdog() {
    Thread t =
        new Thread(
            () -> {
              long left;
              while ((left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                  TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                  return;
                }
              }
              String why =
                  String.format(
                      Locale.ROOT, "deadline of %.0f s exceeded during %s", cfg.deadline(), phase);
              errors.add(why);
              Map<String, Object> r = partial(why);
              if (cfg.shard > 0) {
                System.out.println("RESULT " + Json.write(r));
              } else {
                print(r, cfg.json, System.out);
              }
              System.out.flush();
              System.err.println("loadgen: " + why);
              Runtime.getRuntime().halt(3);
            },
            "deadline");
    t.setDaemon(true);
    t.start();
  }

  private Map<String, Object> partial(String why) {
    Map<String, Object> r = header();
    Launch l = main;
    r.put("opened", l == null ? 0 : l.opened.get());
    r.put("failed", l == null ? 0 : l.failed.get());
    r.put("errors", errors.count());
    r.put("error_samples", errors.samples());
    r.put("aborted", why);
    return r;
  }

  // ------------------------------------------------------------------ the run

  /** Runs the scenario and returns the result (for a child: its raw counts, merged by the parent). */
  public Map<String, Object> run() throws Exception {
    checkFileLimit();
    Map<String, Object> before = null;
    Shards shards = null;
    Net net = null;
    try {
      net = new Net(cfg);
      ctx = new Ctx(cfg, net, metrics, errors, this);
      extra.put("epoll", net.epoll);
      if (cfg.shard == 0 && cfg.scenario == Scenario.IDLE) {
        if (cfg.prewarm > 0) {
          prewarm();
        }
        phase = "reading the server's memory";
        before = memory();
      }
      if (cfg.shard == 0 && cfg.procs > 1) {
        shards = Shards.spawn(cfg);
      }

      phase = "connecting";
      Launch l = new Launch(first, end);
      main = l;
      clients = l.clients;
      long connectNs = l.run();
      int openedHere = l.opened.get();

      long totalOpened = openedHere;
      if (cfg.shard > 0) {
        System.out.println("CONNECTED " + openedHere + " " + l.failed.get());
        System.out.flush();
        phase = "waiting for GO";
        go.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } else if (shards != null) {
        phase = "waiting for the other processes";
        long others = shards.awaitConnected(deadlineNanos, errors);
        totalOpened += Math.max(0, others);
      }

      Map<String, Object> loaded = null;
      if (cfg.shard == 0 && cfg.scenario == Scenario.IDLE) {
        phase = "settling";
        sleepSeconds(cfg.settleS);
        phase = "reading the server's memory";
        loaded = memory();
      }
      if (shards != null) {
        shards.go();
      }

      double windowS = 0;
      if (totalOpened == 0) {
        phase = "giving up: no connection opened";
      } else {
        switch (cfg.scenario) {
          case CONNECT -> {
            // the connect phase was the measurement
          }
          case IDLE -> windowS = hold();
          case WS_ECHO, POLL_ECHO -> windowS = echo();
          case BROADCAST -> windowS = broadcast();
        }
      }
      Map<String, Object> after = null;
      if (cfg.shard == 0 && cfg.scenario == Scenario.IDLE) {
        after = memory();
      }

      phase = "closing";
      closeAll();
      Map<String, Object> mine = shardResult(connectNs, windowS);
      if (cfg.shard > 0) {
        return mine;
      }
      List<Map<String, Object>> all = new ArrayList<>();
      all.add(mine);
      if (shards != null) {
        phase = "collecting the other processes' results";
        all.addAll(shards.results(deadlineNanos, errors));
      }
      return report(all, totalOpened, before, loaded, after);
    } finally {
      if (net != null) {
        net.close();
      }
      if (shards != null) {
        shards.close();
      }
    }
  }

  private void checkFileLimit() {
    long limit = ServerProbe.maxOpenFiles();
    long perClient = cfg.polling ? 2 : 1;
    long need = (long) (end - first) * perClient + 200;
    if (limit > 0 && need > limit) {
      throw new IllegalArgumentException(
          "this process would need "
              + need
              + " file descriptors but may open "
              + limit
              + ": use --procs");
    }
  }

  // ------------------------------------------------------------------ connecting

  private Client newClient(int index) {
    if (cfg.polling) {
      return cfg.raw ? new RawPollClient(index, ctx) : new PollClient(index, ctx);
    }
    return new WsClient(index, ctx);
  }

  /** One batch of connections, opened {@code --concurrency} at a time. */
  private final class Launch {
    final Client[] clients;
    final int from;
    final int to;
    final AtomicInteger next;
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong last = new AtomicLong();
    final CountDownLatch done;

    Launch(int from, int to) {
      this.from = from;
      this.to = to;
      this.clients = new Client[to - from];
      this.next = new AtomicInteger(from);
      this.done = new CountDownLatch(to - from);
    }

    /** Opens them all; returns the nanoseconds until the last one opened or failed. */
    long run() throws InterruptedException {
      long start = System.nanoTime();
      int initial = Math.min(cfg.concurrency, to - from);
      for (int i = 0; i < initial; i++) {
        launchNext();
      }
      if (!done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        errors.add(done.getCount() + " connections never finished opening");
      }
      long l = last.get();
      return (l == 0 ? System.nanoTime() : l) - start;
    }

    void launchNext() {
      int i = next.getAndIncrement();
      if (i < to) {
        Client c = newClient(i);
        c.owner = this;
        clients[i - from] = c;
        c.connect();
      }
    }

    void settled(boolean ok) {
      (ok ? opened : failed).incrementAndGet();
      last.set(System.nanoTime());
      done.countDown();
      launchNext();
    }
  }

  /**
   * idle: opens and closes this shard's connections once before the baseline is read, so that the
   * server's first-use costs (JIT, heap regions touched, pools) are not charged to the connections.
   */
  private void prewarm() throws InterruptedException {
    phase = "prewarming";
    metrics.recordConnects = false;
    Launch w = new Launch(first, first + Math.min(cfg.prewarm, end - first));
    w.run();
    for (Client c : w.clients) {
      if (c != null) {
        c.closing = true;
        c.close();
      }
    }
    // wait until the server has let them go (its stats say 0 sessions), at most 15 s
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < until) {
      Map<String, Object> s =
          cfg.stats ? ServerProbe.stats(cfg.host, cfg.port, cfg.statsPath, false) : null;
      if (s == null || Json.num(s, "sessions", 0) == 0) {
        break;
      }
      Thread.sleep(200);
    }
    sleepSeconds(cfg.settleS);
    metrics.recordConnects = true;
    extra.put("prewarmed", w.opened.get());
  }

  private void settled(Client c, boolean ok) {
    if (c == control) {
      if (ok) {
        controlOpened.countDown();
      }
      return;
    }
    if (c.owner instanceof Launch l) {
      l.settled(ok);
    }
  }

  @Override
  public void opened(Client c) {
    settled(c, true);
    if (cfg.closeEach && cfg.scenario == Scenario.CONNECT) {
      c.close();
    }
  }

  @Override
  public void failed(Client c, String why) {
    errors.add((c == control ? "control connection" : "connection " + c.index) + ": " + why);
    settled(c, false);
  }

  @Override
  public void lost(Client c, String why) {
    errors.add((c == control ? "control connection" : "connection " + c.index) + " lost: " + why);
    lost.incrementAndGet();
  }

  @Override
  public void message(Client c, long stamp, long now) {
    metrics.received.increment();
    switch (cfg.scenario) {
      case WS_ECHO, POLL_ECHO -> {
        c.inFlight--;
        if (metrics.measuring) {
          metrics.receivedWindow.increment();
          if (stamp >= 0) {
            metrics.latency.record(now - stamp);
          }
        }
        if (running && !c.closing) {
          c.inFlight++;
          c.send(System.nanoTime());
        }
      }
      case IDLE -> {
        if (stamp >= 0) {
          metrics.latency.record(now - stamp);
        }
      }
      case BROADCAST -> {
        if (c == control) {
          return;
        }
        int r = currentRound;
        if (c.round != r) {
          c.round = r;
          c.count = 0;
        }
        if (++c.count == cfg.count) {
          long took = now - roundStart;
          metrics.completion.record(took);
          roundLast.accumulateAndGet(now, Math::max);
          CountDownLatch l = roundLatch;
          if (l != null) {
            l.countDown();
          }
        }
      }
      case CONNECT -> {
        // nothing is sent
      }
    }
  }

  private List<Client> openClients() {
    List<Client> out = new ArrayList<>(clients.length);
    for (Client c : clients) {
      if (c != null && c.open && !c.closing) {
        out.add(c);
      }
    }
    return out;
  }

  private void closeAll() throws InterruptedException {
    running = false;
    for (Client c : clients) {
      if (c != null) {
        c.closing = true;
        c.close();
      }
    }
    Client k = control;
    if (k != null) {
      k.closing = true;
      k.close();
    }
    Thread.sleep(Math.min(1000, 100 + clients.length / 20));
  }

  // ------------------------------------------------------------------ scenarios

  /** idle: hold, answer heartbeats, probe a sample. */
  private double hold() throws InterruptedException {
    phase = "holding";
    running = true;
    List<Client> open = openClients();
    int probes = Math.min(cfg.probeConns, open.size());
    List<io.netty.util.concurrent.ScheduledFuture<?>> timers = new ArrayList<>();
    if (probes > 0) {
      int step = Math.max(1, open.size() / probes);
      for (int i = 0, n = 0; i < open.size() && n < probes; i += step, n++) {
        Client c = open.get(i);
        long initial = ThreadLocalRandom.current().nextLong(cfg.probeIntervalMs);
        timers.add(
            c.loop()
                .scheduleAtFixedRate(
                    () -> {
                      if (!c.closing) {
                        c.send(System.nanoTime());
                      }
                    },
                    initial,
                    cfg.probeIntervalMs,
                    TimeUnit.MILLISECONDS));
      }
    }
    long start = System.nanoTime();
    sleepSeconds(cfg.durationS);
    for (var t : timers) {
      t.cancel(false);
    }
    long window = System.nanoTime() - start;
    Thread.sleep(Math.min(500, cfg.probeIntervalMs)); // the last probes come back
    running = false;
    return window / 1e9;
  }

  /** ws-echo and poll-echo: K in flight per connection, warm up, then measure. */
  private double echo() throws InterruptedException {
    phase = "warming up";
    running = true;
    for (Client c : openClients()) {
      c.onLoop(() -> c.burst(cfg.inFlight));
    }
    sleepSeconds(cfg.warmup());
    phase = "measuring";
    metrics.measuring = true;
    long start = System.nanoTime();
    sleepSeconds(cfg.durationS);
    metrics.measuring = false;
    long window = System.nanoTime() - start;
    running = false;
    Thread.sleep(200); // what is in flight comes back (not counted)
    return window / 1e9;
  }

  /** broadcast: rounds of "broadcast:<count>:<size>" until the duration is used up. */
  private double broadcast() throws InterruptedException {
    phase = "opening the control connection";
    Client k = new WsClient(cfg.connections, ctx);
    control = k;
    k.connect();
    if (!controlOpened.await(cfg.openTimeoutMs + 1000, TimeUnit.MILLISECONDS)) {
      errors.add("the control connection did not open");
      return 0;
    }
    running = true;
    List<Client> open = openClients();
    List<Double> rates = new ArrayList<>();
    List<Double> roundMs = new ArrayList<>();
    long start = System.nanoTime();
    long stopAt = start + (long) (cfg.durationS * 1e9);
    String trigger = "broadcast:" + cfg.count + ":" + cfg.size;
    int round = 0;
    while (round < cfg.rounds && (round == 0 || System.nanoTime() < stopAt)) {
      round++;
      phase = "broadcast round " + round;
      CountDownLatch latch = new CountDownLatch(open.size());
      roundLatch = latch;
      roundLast.set(0);
      currentRound = round;
      long t = System.nanoTime();
      roundStart = t;
      k.onLoop(() -> k.sendControl(trigger));
      long waitNs =
          Math.min(
              TimeUnit.SECONDS.toNanos(60),
              deadlineNanos - System.nanoTime() - TimeUnit.SECONDS.toNanos(5));
      if (!latch.await(Math.max(0, waitNs), TimeUnit.NANOSECONDS)) {
        errors.add(
            "round "
                + round
                + ": "
                + latch.getCount()
                + " of "
                + open.size()
                + " connections did not get all "
                + cfg.count
                + " messages in "
                + TimeUnit.NANOSECONDS.toMillis(waitNs)
                + " ms");
        break;
      }
      long took = roundLast.get() - t;
      roundMs.add(took / 1e6);
      rates.add((double) open.size() * cfg.count / (took / 1e9));
      Thread.sleep(100);
    }
    roundLatch = null;
    extra.put("rounds", roundMs.size());
    extra.put("round_ms_median", median(roundMs));
    extra.put("msgs_per_s", median(rates));
    extra.put("receivers", open.size());
    return (System.nanoTime() - start) / 1e9;
  }

  // ------------------------------------------------------------------ results

  private Map<String, Object> memory() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> stats =
        cfg.stats ? ServerProbe.stats(cfg.host, cfg.port, cfg.statsPath, true) : null;
    long pid = cfg.serverPid;
    if (stats != null) {
      if (pid <= 0) {
        pid = (long) Json.num(stats, "pid", -1);
      }
      m.put("heap_used", (long) Json.num(stats, "heap_used", -1));
      m.put("sessions", (long) Json.num(stats, "sessions", -1));
    }
    m.put("pid", pid);
    m.put("rss_kb", ServerProbe.rssKb(pid));
    return m;
  }

  private Map<String, Object> shardResult(long connectNs, double windowS) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("opened", main.opened.get());
    r.put("failed", main.failed.get());
    r.put("lost", lost.get());
    r.put("connect_ns", connectNs);
    r.put("window_s", windowS);
    r.put("sent", metrics.sent.sum());
    r.put("received", metrics.received.sum());
    r.put("received_window", metrics.receivedWindow.sum());
    r.put("http_requests", metrics.httpRequests.sum());
    r.put("http_requests_window", metrics.httpRequestsWindow.sum());
    r.put("pings_answered", metrics.pingsAnswered.sum());
    r.put("pongs_received", metrics.pongsReceived.sum());
    r.put("hist_latency", metrics.latency.merged().encode());
    r.put("hist_connect", metrics.connect.merged().encode());
    r.put("hist_heartbeat", metrics.heartbeat.merged().encode());
    r.put("hist_pinglag", metrics.pingLag.merged().encode());
    r.put("hist_completion", metrics.completion.merged().encode());
    r.put("errors", errors.count());
    r.put("error_samples", errors.samples());
    return r;
  }

  private Map<String, Object> header() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("scenario", cfg.scenario.wireName());
    if (!cfg.label.isEmpty()) {
      r.put("label", cfg.label);
    }
    r.put("target", "http://" + cfg.host + ":" + cfg.port);
    r.put("protocol", cfg.raw ? "raw" : "eio" + cfg.protocol);
    r.put("transport", cfg.transportName());
    r.put("connections", cfg.connections);
    r.put("procs", cfg.procs);
    r.put("threads", cfg.threads);
    r.put("sources", cfg.sources);
    if (cfg.scenario == Scenario.WS_ECHO || cfg.scenario == Scenario.POLL_ECHO) {
      r.put("in_flight", cfg.inFlight);
      r.put("size", cfg.size);
      r.put("warmup_s", cfg.warmup());
    }
    if (cfg.scenario == Scenario.BROADCAST) {
      r.put("count", cfg.count);
      r.put("size", cfg.size);
    }
    r.put("duration_s", cfg.durationS);
    return r;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> report(
      List<Map<String, Object>> shards,
      long totalOpened,
      Map<String, Object> before,
      Map<String, Object> loaded,
      Map<String, Object> after) {
    Map<String, Object> r = header();
    r.putAll(extra);
    long openedSum = 0;
    long failedSum = 0;
    long lostSum = 0;
    long maxConnectNs = 0;
    long sent = 0;
    long received = 0;
    long pings = 0;
    long pongs = 0;
    double msgsPerS = 0;
    double reqPerS = 0;
    double window = 0;
    LogHistogram latency = new LogHistogram();
    LogHistogram connect = new LogHistogram();
    LogHistogram heartbeat = new LogHistogram();
    LogHistogram pingLag = new LogHistogram();
    LogHistogram completion = new LogHistogram();
    for (int i = 0; i < shards.size(); i++) {
      Map<String, Object> s = shards.get(i);
      openedSum += (long) Json.num(s, "opened", 0);
      failedSum += (long) Json.num(s, "failed", 0);
      lostSum += (long) Json.num(s, "lost", 0);
      maxConnectNs = Math.max(maxConnectNs, (long) Json.num(s, "connect_ns", 0));
      sent += (long) Json.num(s, "sent", 0);
      received += (long) Json.num(s, "received", 0);
      pings += (long) Json.num(s, "pings_answered", 0);
      pongs += (long) Json.num(s, "pongs_received", 0);
      double w = Json.num(s, "window_s", 0);
      window = Math.max(window, w);
      if (w > 0) {
        msgsPerS += Json.num(s, "received_window", 0) / w;
        reqPerS += Json.num(s, "http_requests_window", 0) / w;
      }
      latency.add(LogHistogram.decode((String) s.get("hist_latency")));
      connect.add(LogHistogram.decode((String) s.get("hist_connect")));
      heartbeat.add(LogHistogram.decode((String) s.get("hist_heartbeat")));
      pingLag.add(LogHistogram.decode((String) s.get("hist_pinglag")));
      completion.add(LogHistogram.decode((String) s.get("hist_completion")));
      if (i > 0) {
        errors.addAll(
            (long) Json.num(s, "errors", 0),
            (List<String>) s.getOrDefault("error_samples", List.of()));
      }
    }
    r.put("opened", openedSum);
    r.put("failed", failedSum);
    r.put("lost", lostSum);
    switch (cfg.scenario) {
      case CONNECT -> {
        r.put("connect_per_s", maxConnectNs > 0 ? openedSum / (maxConnectNs / 1e9) : 0.0);
        r.put("connect_s", maxConnectNs / 1e9);
        r.put("connect_us", percentiles(connect, false));
      }
      case IDLE -> {
        r.put("hold_s", window);
        r.put("server_before", before);
        r.put("server_loaded", loaded);
        r.put("server_end", after);
        long n = Math.max(1, totalOpened);
        long rss0 = before == null ? -1 : (long) Json.num(before, "rss_kb", -1);
        long rss1 = loaded == null ? -1 : (long) Json.num(loaded, "rss_kb", -1);
        if (rss0 > 0 && rss1 > 0) {
          r.put("rss_per_conn_bytes", (rss1 - rss0) * 1024.0 / n);
        }
        long heap0 = before == null ? -1 : (long) Json.num(before, "heap_used", -1);
        long heap1 = loaded == null ? -1 : (long) Json.num(loaded, "heap_used", -1);
        if (heap0 >= 0 && heap1 >= 0) {
          r.put("heap_per_conn_bytes", (heap1 - heap0) / (double) n);
        }
        r.put("probe_rtt_us", percentiles(latency, false));
        if (cfg.protocol == 3 && !cfg.raw) {
          r.put("heartbeat_rtt_us", percentiles(heartbeat, false));
          r.put("pongs_received", pongs);
        } else if (!cfg.raw) {
          r.put("ping_lag_us", percentiles(pingLag, false));
          r.put("pings_answered", pings);
        }
        r.put("connect_us", percentiles(connect, false));
      }
      case WS_ECHO, POLL_ECHO -> {
        r.put("window_s", window);
        r.put("msgs_per_s", msgsPerS);
        if (cfg.polling) {
          r.put("http_requests_per_s", reqPerS);
        }
        r.put("latency_us", percentiles(latency, true));
        r.put("sent", sent);
        r.put("received", received);
      }
      case BROADCAST -> {
        r.put("delivered", received);
        r.put("completion_us", percentiles(completion, false));
      }
    }
    r.put("errors", errors.count());
    r.put("error_samples", errors.samples());
    r.put("elapsed_s", (System.nanoTime() - t0) / 1e9);
    return r;
  }

  private static Map<String, Object> percentiles(LogHistogram h, boolean p999) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.count());
    if (h.count() == 0) {
      return m; // no percentiles of nothing
    }
    m.put("p50", h.percentile(50) / 1e3);
    m.put("p90", h.percentile(90) / 1e3);
    m.put("p99", h.percentile(99) / 1e3);
    if (p999) {
      m.put("p999", h.percentile(99.9) / 1e3);
    }
    m.put("max", h.max() / 1e3);
    m.put("mean", h.mean() / 1e3);
    return m;
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return 0;
    }
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void sleepSeconds(double s) throws InterruptedException {
    long ns = (long) (s * 1e9);
    if (ns > 0) {
      TimeUnit.NANOSECONDS.sleep(ns);
    }
  }

  /** Prints a result as one JSON line, or as aligned text. */
  @SuppressWarnings("unchecked")
  static void print(Map<String, Object> r, boolean json, PrintStream out) {
    if (json) {
      out.println(Json.write(r));
      return;
    }
    for (Map.Entry<String, Object> e : r.entrySet()) {
      Object v = e.getValue();
      String text;
      if (v instanceof Map<?, ?> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> x : ((Map<String, Object>) m).entrySet()) {
          if (sb.length() > 0) {
            sb.append("  ");
          }
          sb.append(x.getKey()).append('=').append(format(x.getValue()));
        }
        text = sb.toString();
      } else {
        text = format(v);
      }
      out.printf("%-22s %s%n", e.getKey(), text);
    }
  }

  private static String format(Object v) {
    if (v instanceof Double d) {
      return Math.abs(d) >= 100
          ? String.format(Locale.ROOT, "%,.0f", d)
          : String.format(Locale.ROOT, "%.3f", d);
    }
    return String.valueOf(v);
  }
}

package io.tendril.manager;

import io.tendril.manager.makeflow.FileRef;
import io.tendril.manager.makeflow.MakeflowException;
import io.tendril.manager.makeflow.Rule;
import io.tendril.manager.makeflow.Workflow;
import io.tendril.manager.resources.ResourcesMode;
import io.tendril.protocol.CacheLevel;
import io.tendril.protocol.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a parsed Makeflow {@link Workflow} on a {@link Manager}: each rule becomes a command task
 * whose sources are its inputs and whose targets are its outputs, written into the working
 * directory as Makeflow does. A rule is submitted as soon as every rule it depends on succeeded;
 * a failed rule stops its dependents (transitively) while independent rules go on. {@code LOCAL}
 * rules run on this machine, in the working directory. Called by {@code tendril run}.
 *
 * <p>Resources follow Makeflow: the {@code CORES}, {@code MEMORY}, {@code DISK} and {@code GPUS} of
 * a category ({@link Workflow#categoryResources()}) become the maximum of the manager's category of
 * that name, and a rule's task declares only the amounts the rule sets itself ({@link
 * Rule#ownResources()}). In the default mode, {@code fixed}, every task gets its category's amounts
 * with its own over them, exactly as declared; in an automatic mode ({@link #resourcesMode}) the
 * category's amounts are the most its tasks get while it learns what they need.
 */
public final class MakeflowRunner {
  /**
   * What a run did.
   *
   * @param succeeded rules that ran and exited 0
   * @param failed rules that failed, each described with its line, targets and error
   * @param skipped rules not run because a rule they depend on failed
   */
  public record Outcome(int succeeded, List<String> failed, int skipped) {
    /** Whether every rule succeeded. */
    public boolean ok() {
      return failed.isEmpty() && skipped == 0;
    }
  }

  private final Manager manager;
  private final Workflow workflow;
  private final Path workDir;
  private final Consumer<String> progress;
  /** Files made by rules, declared once: a later rule reading one gets it from the worker that made it. */
  private final Map<String, DeclaredFile> produced = new HashMap<>();
  private ResourcesMode resourcesMode;

  /**
   * Prepares a run.
   *
   * @param manager the manager whose workers run the rules
   * @param workflow the parsed workflow
   * @param workDir where sources are read and targets written
   * @param progress receives a line per finished rule
   */
  public MakeflowRunner(Manager manager, Workflow workflow, Path workDir, Consumer<String> progress) {
    this.manager = manager;
    this.workflow = workflow;
    this.workDir = workDir.toAbsolutePath();
    this.progress = progress;
  }

  /**
   * Sets the mode of every category of the workflow's rules (default: leave each category's mode
   * as configured on the manager, {@link ResourcesMode#FIXED} unless configured).
   *
   * @param mode the mode
   * @return this runner
   */
  public MakeflowRunner resourcesMode(ResourcesMode mode) {
    this.resourcesMode = java.util.Objects.requireNonNull(mode, "mode");
    return this;
  }

  /**
   * Runs the workflow to the end.
   *
   * @return what succeeded, failed and was skipped
   * @throws MakeflowException if a source that no rule makes is missing
   */
  public Outcome run() throws MakeflowException {
    workflow.validate(workDir);
    configureCategories();
    List<Rule> rules = workflow.rules();
    Map<Rule, Integer> waiting = new HashMap<>();
    Map<Long, Rule> byTask = new HashMap<>();
    LinkedBlockingQueue<Object[]> localDone = new LinkedBlockingQueue<>();
    ExecutorService local = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
    Set<Rule> pending = new LinkedHashSet<>(rules);
    int succeeded = 0;
    List<String> failed = new ArrayList<>();
    int skipped = 0;
    try {
      for (Rule r : rules) {
        waiting.put(r, workflow.dependencies(r).size());
      }
      for (Rule r : rules) {
        if (waiting.get(r) == 0) {
          start(r, byTask, local, localDone);
        }
      }
      while (!pending.isEmpty()) {
        Rule done;
        boolean ok;
        String error;
        Object[] l = localDone.poll();
        if (l != null) {
          done = (Rule) l[0];
          ok = (Boolean) l[1];
          error = (String) l[2];
        } else {
          var t = manager.await(Duration.ofMillis(100));
          if (t.isEmpty()) {
            continue;
          }
          CommandTask task = t.get();
          done = byTask.remove(task.id());
          if (done == null) {
            continue;
          }
          ok = task.succeeded();
          error = ok ? null : describe(task);
        }
        pending.remove(done);
        if (ok) {
          succeeded++;
          progress.accept("done: " + targets(done));
          for (Rule d : workflow.dependents(done)) {
            if (waiting.merge(d, -1, Integer::sum) == 0 && pending.contains(d)) {
              start(d, byTask, local, localDone);
            }
          }
        } else {
          failed.add("rule at line " + done.line() + " (" + targets(done) + ") failed: " + error);
          progress.accept("FAILED: " + targets(done) + ": " + error);
          for (Rule s : descendants(done)) {
            if (pending.remove(s)) {
              skipped++;
            }
          }
        }
      }
    } finally {
      local.shutdownNow();
    }
    return new Outcome(succeeded, failed, skipped);
  }

  /** Gives each category of a rule that runs on a worker its Makeflow resources as its maximum, and the mode. */
  private void configureCategories() {
    Set<String> used = new LinkedHashSet<>();
    for (Rule r : workflow.rules()) {
      if (!r.local()) {
        used.add(r.category());
      }
    }
    for (String name : used) {
      Resources max = workflow.categoryResources().getOrDefault(name, Resources.NONE);
      Category c = manager.category(name);
      if (!max.isNone()) {
        c.max(max);
      }
      if (resourcesMode != null) {
        c.mode(resourcesMode);
      }
    }
  }

  private Set<Rule> descendants(Rule r) {
    Set<Rule> out = new LinkedHashSet<>();
    List<Rule> stack = new ArrayList<>(workflow.dependents(r));
    while (!stack.isEmpty()) {
      Rule d = stack.remove(stack.size() - 1);
      if (out.add(d)) {
        stack.addAll(workflow.dependents(d));
      }
    }
    return out;
  }

  private static String targets(Rule r) {
    List<String> names = new ArrayList<>();
    for (FileRef f : r.targets()) {
      names.add(f.name());
    }
    return String.join(" ", names);
  }

  private static String describe(CommandTask t) {
    String out = t.stdout().strip();
    if (out.length() > 400) {
      out = "..." + out.substring(out.length() - 400);
    }
    String what = t.resultCode() == ResultCode.SUCCESS ? "exit code " + t.exitCode() : t.resultCode().name()
        + (t.message().isEmpty() ? "" : " (" + t.message() + ")");
    return what + (out.isEmpty() ? "" : "; output: " + out);
  }

  private void start(Rule r, Map<Long, Rule> byTask, ExecutorService local, LinkedBlockingQueue<Object[]> localDone) {
    if (r.local()) {
      local.execute(() -> localDone.add(runLocally(r)));
      return;
    }
    CommandTask.Builder b = CommandTask.builder(r.command()).category(r.category());
    for (FileRef s : r.sources()) {
      DeclaredFile made = produced.get(s.name());
      b.input(made != null ? made : manager.declareFile(workDir.resolve(s.name()), CacheLevel.WORKFLOW), s.sandboxName());
    }
    for (FileRef t : r.targets()) {
      DeclaredFile out = manager.declareFile(workDir.resolve(t.name()), CacheLevel.WORKFLOW);
      produced.put(t.name(), out);
      b.output(t.sandboxName(), out);
    }
    r.environment().forEach(b::env);
    Resources res = r.ownResources();
    b.cores(res.cores()).memoryMb(res.memoryMb()).diskMb(res.diskMb()).gpus(res.gpus());
    byTask.put(manager.submit(b.build()), r);
  }

  private Object[] runLocally(Rule r) {
    try {
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", r.command()).directory(workDir.toFile())
          .redirectErrorStream(true);
      pb.environment().putAll(r.environment());
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(7, TimeUnit.DAYS)) {
        p.destroyForcibly();
      }
      int code = p.exitValue();
      if (code != 0) {
        String text = new String(out, StandardCharsets.UTF_8).strip();
        return new Object[] {r, false, "exit code " + code + (text.isEmpty() ? "" : "; output: " + text)};
      }
      for (FileRef t : r.targets()) {
        if (!java.nio.file.Files.exists(workDir.resolve(t.name()))) {
          return new Object[] {r, false, "OUTPUT_MISSING: " + t.name()};
        }
      }
      return new Object[] {r, true, null};
    } catch (IOException e) {
      return new Object[] {r, false, "cannot run locally: " + e.getMessage()};
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Object[] {r, false, "interrupted"};
    }
  }
}

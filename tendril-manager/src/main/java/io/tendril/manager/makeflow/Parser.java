package io.tendril.manager.makeflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the lines of one Makeflow file into a {@link Workflow}, for {@link Makeflow#parse}. It
 * keeps the parse's state (variables, the category in effect, the rules so far, exported names)
 * and tells the {@link LineReader} which variables each line sees.
 */
final class Parser {
  /** Variables Makeflow passes to every command when they have a value. */
  private static final List<String> ALWAYS_EXPORTED =
      List.of("CATEGORY", "CORES", "DISK", "GPUS", "MEMORY", "WALL_TIME");

  /** A rule while it is being read. */
  private static final class Draft {
    final int index;
    final SourcePosition at;
    final Variables.Table table = new Variables.Table();
    final List<FileRef> targets = new ArrayList<>();
    final List<FileRef> sources = new ArrayList<>();
    final Map<String, SourcePosition> positions = new HashMap<>();
    String category;
    String command;
    boolean local;

    Draft(int index, SourcePosition at, String category) {
      this.index = index;
      this.at = at;
      this.category = category;
    }
  }

  private final String sourceName;
  private final LineReader lines;
  private final Variables variables;
  private final List<String> notices = new ArrayList<>();
  private final Set<String> exports = new LinkedHashSet<>();
  private final List<Draft> drafts = new ArrayList<>();
  private final Map<String, Draft> producers = new HashMap<>();
  private String category = Variables.DEFAULT_CATEGORY;

  Parser(String text, String sourceName, Map<String, String> environment) {
    this.sourceName = sourceName;
    this.variables = new Variables(environment);
    int cr = text.indexOf('\r');
    if (cr >= 0) {
      int line = 1 + (int) text.substring(0, cr).chars().filter(ch -> ch == '\n').count();
      notices.add(sourceName + ":" + line + ":" + (cr - text.lastIndexOf('\n', cr)) + ": the file"
          + " has carriage returns (Windows line ends?): as in Makeflow, they stay part of names,"
          + " values and commands");
    }
    this.lines = new LineReader(text, sourceName, notices);
  }

  /** Reads the whole file. */
  Workflow parse() throws MakeflowException {
    boolean afterRule = false;
    Line line;
    while ((line = lines.next(this::visibleOutsideRules)) != null) {
      switch (line) {
        case Line.Assignment a -> assign(null, a);
        case Line.Export e -> exports.addAll(e.names());
        case Line.Directive d -> directive(d);
        case Line.RuleHeader h -> rule(h);
        case Line.Command c -> throw error(c.at(), afterRule
            ? "the rule at line " + drafts.get(drafts.size() - 1).at.line() + " already has its"
                + " command: a rule has exactly one command line (join commands with ';')"
            : "a command line (one that starts with a tab or a space) must follow a rule's"
                + " 'targets: sources' line");
      }
      afterRule = line instanceof Line.RuleHeader;
    }
    return build();
  }

  private String visibleOutsideRules(String name) {
    return variables.lookup(name, null, variables.category(category), drafts.size());
  }

  private MakeflowException error(SourcePosition at, String reason) {
    return new MakeflowException(sourceName, at, reason);
  }

  private void rule(Line.RuleHeader header) throws MakeflowException {
    Draft d = new Draft(drafts.size(), header.at(), category);
    files(d, header.files());
    drafts.add(d);
    TextReader.Lookup visible =
        name -> variables.lookup(name, d.table, variables.category(category), d.index);
    while (true) {
      Line line = lines.next(visible);
      if (line == null) {
        throw error(header.at(), "this rule has no command: a line starting with a tab must"
            + " follow its 'targets: sources' line");
      }
      switch (line) {
        case Line.Command c -> {
          command(d, c);
          return;
        }
        case Line.Assignment a when !a.exported() -> assign(d, a);
        case Line.RuleHeader h -> throw error(header.at(), "this rule has no command: a line"
            + " starting with a tab must follow its 'targets: sources' line");
        case Line.Directive x -> throw error(x.at(), "a directive cannot stand between a rule"
            + " and its command; put it above the rule");
        default -> throw error(line.at(), "expected the command of the rule at line "
            + header.at().line() + " (a line starting with a tab); only NAME=value may stand"
            + " between a rule and its command");
      }
    }
  }

  private void files(Draft d, List<Token> tokens) throws MakeflowException {
    boolean targets = true;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      switch (t.kind()) {
        case COLON -> targets = false;
        case NEWLINE -> {
          for (int k = i + 1; k < tokens.size(); k++) {
            if (!tokens.get(k).is(Token.Kind.NEWLINE)) {
              throw error(tokens.get(k).at(), "a '#' in the value of a variable ended this file"
                  + " list early; the rest of the line cannot be read");
            }
          }
          return;
        }
        case RENAME -> throw error(t.at(), "'->' must come right after a file name");
        case LITERAL -> {
          String sandboxName = t.text();
          if (i + 1 < tokens.size() && tokens.get(i + 1).is(Token.Kind.RENAME)) {
            if (i + 2 >= tokens.size() || !tokens.get(i + 2).is(Token.Kind.LITERAL)) {
              throw error(tokens.get(i + 1).at(), "expected the file's name in the sandbox after"
                  + " '->'");
            }
            sandboxName = tokens.get(i + 2).text();
            i += 2;
          }
          if (t.text().isEmpty() || sandboxName.isEmpty()) {
            throw error(t.at(), "a file name cannot be empty");
          }
          add(d, new FileRef(t.text(), sandboxName), t.at(), targets);
        }
        default -> throw new IllegalStateException("unexpected token " + t);
      }
    }
  }

  private void add(Draft d, FileRef f, SourcePosition at, boolean target)
      throws MakeflowException {
    List<FileRef> list = target ? d.targets : d.sources;
    for (FileRef g : list) {
      if (g.name().equals(f.name())) {
        if (g.equals(f)) {
          return;
        }
        throw error(at, "file " + f.name() + " is listed twice in this rule with different"
            + " sandbox names");
      }
    }
    if (target) {
      Draft other = producers.putIfAbsent(f.name(), d);
      if (other != null && other != d) {
        throw error(at, "file " + f.name() + " is made by two rules: the rule at line "
            + other.at.line() + " and this one at line " + d.at.line());
      }
    }
    list.add(f);
    d.positions.putIfAbsent(f.name(), at);
  }

  private void command(Draft d, Line.Command c) throws MakeflowException {
    List<Token> tokens = c.tokens();
    int i = 0;
    boolean local = false;
    while (i < tokens.size()) {
      Token t = tokens.get(i);
      if (t.is(Token.Kind.LITERAL) && t.text().equals("LOCAL")) {
        local = true;
      } else if (t.is(Token.Kind.LITERAL) && t.text().equals("MAKEFLOW")) {
        throw error(t.at(), "nested workflows (the MAKEFLOW prefix) are not supported");
      } else if (!t.is(Token.Kind.SPACE)) {
        break;
      }
      i++;
    }
    StringBuilder sb = new StringBuilder();
    for (; i < tokens.size() && !tokens.get(i).is(Token.Kind.NEWLINE); i++) {
      Token t = tokens.get(i);
      sb.append(t.is(Token.Kind.SPACE) ? " " : t.text());
    }
    for (int k = i + 1; k < tokens.size(); k++) {
      if (tokens.get(k).is(Token.Kind.LITERAL)) {
        throw error(tokens.get(k).at(), "a '#' in the value of a variable ended this command"
            + " early; the rest of the line cannot be read");
      }
    }
    if (sb.isEmpty()) {
      throw error(c.at(), "the command is empty");
    }
    String batchLocal =
        variables.lookup("BATCH_LOCAL", d.table, variables.category(category), d.index);
    d.command = sb.toString();
    d.local = local || (batchLocal != null && isTrue(batchLocal));
  }

  /** Makeflow's reading of a boolean: true, yes (any case), or a number above zero. */
  static boolean isTrue(String s) {
    String t = s.strip();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("yes")) {
      return true;
    }
    int i = 0;
    if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
      i++;
    }
    int start = i;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    return i > start && t.charAt(0) != '-' && t.substring(start, i).chars().anyMatch(ch -> ch != '0');
  }

  private void assign(Draft d, Line.Assignment a) throws MakeflowException {
    String name = a.name();
    boolean categorySwitch = name.equals("CATEGORY") || name.equals("SYMBOL");
    if (a.operator() == '+') {
      append(d, a);
    } else if (d != null) {
      variables.assign(d.table, name, d.index, a.value(), a.at());
    } else {
      Variables.Table table =
          name.equals("CATEGORY") ? variables.defaults() : variables.category(category);
      variables.assign(table, name, drafts.size(), a.value(), a.at());
    }
    if (categorySwitch) {
      String switchedTo = a.value().isEmpty() ? Variables.DEFAULT_CATEGORY : a.value();
      if (d != null) {
        d.category = switchedTo;
      } else {
        category = switchedTo;
      }
      variables.category(switchedTo);
    }
    if (a.exported()) {
      exports.add(name);
    }
  }

  /**
   * {@code NAME+=value}, as Makeflow does it: inside a rule, appended to the rule's own value or
   * else to the value outside rules; outside rules, appended in place to the {@code default}
   * table's value (or the environment's), whatever category is in effect.
   */
  private void append(Draft d, Line.Assignment a) {
    String name = a.name();
    int counter = drafts.size();
    if (d != null) {
      Variables.Value own = d.table.visibleTo(name, d.index);
      if (own != null) {
        own.text = own.text + " " + a.value();
        return;
      }
      Variables.Value outside = variables.defaults().visibleTo(name, counter);
      String base = outside != null ? outside.text : variables.environment(name);
      variables.assign(d.table, name, d.index, base == null ? a.value() : base + " " + a.value(),
          a.at());
      return;
    }
    Variables.Value outside = variables.defaults().visibleTo(name, counter);
    if (outside != null) {
      outside.text = outside.text + " " + a.value();
      return;
    }
    String env = variables.environment(name);
    if (env != null) {
      variables.assign(variables.defaults(), name, 0, env + " " + a.value(), a.at());
    } else {
      variables.assign(variables.defaults(), name, counter, a.value(), a.at());
    }
  }

  private void directive(Line.Directive d) throws MakeflowException {
    List<String> args = d.arguments();
    switch (d.name()) {
      case ".MAKEFLOW" -> {
        if (args.size() != 2) {
          throw error(d.at(), ".MAKEFLOW takes a key and a value, such as"
              + " '.MAKEFLOW CATEGORY analysis'");
        }
        String key = args.get(0);
        String value = args.get(1);
        switch (key) {
          case "CATEGORY", "CORES", "DISK", "MEMORY", "WALL_TIME", "MPI_PROCESSES" ->
              assign(null, new Line.Assignment(d.at(), key, '=', value, false));
          case "MODE" -> {
            if (!List.of("MAX_THROUGHPUT", "MIN_WASTE", "FIXED").contains(value)) {
              throw error(d.at(), ".MAKEFLOW MODE must be MAX_THROUGHPUT, MIN_WASTE or FIXED");
            }
            notices.add(sourceName + ":" + d.at().line() + ":" + d.at().column()
                + ": .MAKEFLOW MODE " + value + " is ignored: give the mode with tendril run --resources-mode");
          }
          default -> throw error(d.at(), "unknown .MAKEFLOW key " + key + ": Makeflow has"
              + " CATEGORY, CORES, DISK, MEMORY, WALL_TIME, MPI_PROCESSES and MODE");
        }
      }
      case ".SIZE" -> {
        if (args.size() != 2) {
          throw error(d.at(), ".SIZE takes a file name and a size");
        }
      }
      case ".UMBRELLA" -> throw error(d.at(), ".UMBRELLA is not supported");
      default -> throw error(d.at(), "unknown directive " + d.name()
          + ": Makeflow has .MAKEFLOW and .SIZE");
    }
  }

  private Workflow build() throws MakeflowException {
    ResourceResolver resources = new ResourceResolver(variables, sourceName, notices);
    Set<String> exported = new TreeSet<>(exports);
    exported.addAll(ALWAYS_EXPORTED);
    List<Rule> rules = new ArrayList<>(drafts.size());
    Map<String, io.tendril.protocol.Resources> categories = new java.util.LinkedHashMap<>();
    for (Draft d : drafts) {
      if (!categories.containsKey(d.category)) {
        categories.put(d.category, resources.forCategory(d.category, d.at));
      }
      Map<String, String> env = new TreeMap<>();
      for (String name : exported) {
        String v = variables.lookup(name, d.table, variables.category(d.category), d.index);
        if (v != null) {
          env.put(name, v);
        }
      }
      rules.add(new Rule(d.index, d.at.line(), d.targets, d.sources, d.command, d.local,
          d.category, resources.forRule(d.category, d.table, d.at), resources.ownOfRule(d.table, d.at),
          Collections.unmodifiableMap(env), Map.copyOf(d.positions)));
    }
    return new Workflow(sourceName, rules, notices, categories);
  }
}

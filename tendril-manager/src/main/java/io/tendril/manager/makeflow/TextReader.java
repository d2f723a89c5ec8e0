package io.tendril.manager.makeflow;

import java.util.List;

/**
 * Makeflow's quoting, escaping and substitution rules, shared by the readers of commands
 * ({@link CommandLexer}), file lists ({@link FileListLexer}) and whole lines ({@link LineReader}).
 * One is made for each line the {@link LineReader} reads, with the variables visible there.
 *
 * <p>The rules, as Makeflow (cctools 8) applies them:
 *
 * <ul>
 *   <li>Outside quotes, a backslash keeps the next character and drops itself ({@code a\nb} is
 *       {@code anb}); a backslash-newline becomes one space.
 *   <li>Inside single quotes nothing is substituted, and backslashes work as outside quotes
 *       ({@code '\''} is a quote that does not end the string).
 *   <li>Inside double quotes (and in a variable's value), {@code \n \t \r \a \b \f \v} become the
 *       control characters, other backslashes keep the next character, variables are substituted,
 *       blanks just after the opening quote are dropped, and a nested single-quoted part is not
 *       substituted.
 *   <li>{@code $(NAME)}, {@code ${NAME}} and {@code $NAME} substitute a variable; a name ends at a
 *       blank, a quote, a backslash, {@code $ # : , . - ( ) { } [ ] < > = + ! ? /}.
 * </ul>
 */
final class TextReader {
  /** Characters that end an unquoted word. */
  static final String WORD_STOPS = "\\\"'$#\n\t ";
  /** Characters that end an unquoted file name ({@code -} continues it unless {@code ->}). */
  static final String FILE_NAME_STOPS = WORD_STOPS + ":-";
  /** Characters that end a variable or keyword name. */
  static final String NAME_STOPS = WORD_STOPS + ",.-(){}[]<>=+!?/:";
  /** How deep a variable's value may bring in other variables, as in Makeflow. */
  static final int MAX_DEPTH = 32;

  /** The variables visible where a line is read. */
  @FunctionalInterface
  interface Lookup {
    /** The value of {@code name}, or null when it is not defined. */
    String valueOf(String name);
  }

  private final String sourceName;
  private final Lookup lookup;
  private final List<String> notices;

  TextReader(String sourceName, Lookup lookup, List<String> notices) {
    this.sourceName = sourceName;
    this.lookup = lookup;
    this.notices = notices;
  }

  MakeflowException error(SourcePosition at, String reason) {
    return new MakeflowException(sourceName, at, reason);
  }

  void notice(SourcePosition at, String text) {
    notices.add(sourceName + ":" + at.line() + ":" + at.column() + ": " + text);
  }

  /**
   * Appends characters up to one of {@code stops} (or the end), applying backslash escapes as
   * outside quotes, and returns how many characters were consumed.
   */
  int readEscapedUntil(Cursor c, String stops, StringBuilder out) {
    int count = 0;
    while (true) {
      int ch = c.peek();
      if (ch == Cursor.EOF) {
        return count;
      }
      if (ch == '\\') {
        c.next();
        int escaped = c.next();
        count += 2;
        // Makeflow drops an escaped character that is the very last one of a value.
        if (escaped != Cursor.EOF && c.peek() != Cursor.EOF) {
          out.append(escaped == '\n' ? ' ' : (char) escaped);
        }
        continue;
      }
      if (stops.indexOf(ch) >= 0) {
        return count;
      }
      out.append((char) c.next());
      count++;
    }
  }

  /** Reads up to one of {@code stops} with no escapes at all: how names are read. */
  static String readUntil(Cursor c, String stops) {
    StringBuilder sb = new StringBuilder();
    while (c.peek() != Cursor.EOF && stops.indexOf(c.peek()) < 0) {
      sb.append((char) c.next());
    }
    return sb.toString();
  }

  /** At a single quote: reads the quoted string and returns it without its quotes. */
  String singleQuoted(Cursor c) throws MakeflowException {
    SourcePosition at = c.position();
    c.next();
    StringBuilder sb = new StringBuilder();
    readEscapedUntil(c, "'", sb);
    if (c.peek() != '\'') {
      throw error(at, c.inValue()
          ? "a single quote in the value of a variable used here is never closed"
          : "this single quote is never closed (a quoted string may span lines, but must end)");
    }
    c.next();
    return sb.toString();
  }

  /**
   * At a double quote: reads the quoted string, substituting variables, and returns it without
   * its double quotes. With {@code stripSingleQuotes} (file lists) a nested single-quoted part
   * also loses its quotes; elsewhere it keeps them.
   */
  String doubleQuoted(Cursor c, boolean stripSingleQuotes) throws MakeflowException {
    SourcePosition at = c.position();
    c.next();
    c.skipBlanks();
    StringBuilder sb = new StringBuilder();
    while (true) {
      int ch = c.peek();
      if (ch == Cursor.EOF) {
        throw error(at, c.inValue()
            ? "a double quote in the value of a variable used here is never closed"
            : "this double quote is never closed (a quoted string may span lines, but must end)");
      } else if (ch == '"') {
        c.next();
        return sb.toString();
      } else if (ch == '$') {
        sb.append(substitute(c));
      } else if (ch == '\'') {
        String q = singleQuoted(c);
        sb.append(stripSingleQuotes ? q : "'" + q + "'");
      } else {
        readExpandableRun(c, '"', sb);
      }
    }
  }

  /**
   * Reads a variable's value, from after {@code =} to the end of the line, substituting
   * variables at once; quotes are kept in the value. A comment ends the value but, as in
   * Makeflow, its newline does not: the next line is read into the value too.
   */
  String value(Cursor c, String variable) throws MakeflowException {
    c.skipBlanks();
    StringBuilder sb = new StringBuilder();
    while (true) {
      int ch = c.peek();
      if (ch == Cursor.EOF) {
        throw error(c.position(), "the file ends inside the value of " + variable
            + ": Makeflow reads the line after a comment on an assignment as part of the value");
      } else if (ch == '\n') {
        c.next();
        return sb.toString();
      } else if (ch == '$') {
        sb.append(substitute(c));
      } else if (ch == '\'') {
        sb.append('\'').append(singleQuoted(c)).append('\'');
      } else if (ch == '"') {
        sb.append('"').append(doubleQuoted(c, false)).append('"');
      } else if (ch == '#') {
        SourcePosition at = c.position();
        c.skipComment();
        if (!c.atEnd() && !c.restOfLineIsBlank()) {
          notice(at, "this comment ends the value of " + variable
              + " but not the line: as Makeflow does, the next line is read into the value;"
              + " put the comment on a line of its own");
        }
      } else {
        readExpandableRun(c, '\n', sb);
      }
    }
  }

  /**
   * Appends plain characters of a double-quoted string or a value up to {@code end}, a quote,
   * {@code $}, or (in a value) {@code #}, applying the escapes of double quotes.
   */
  private void readExpandableRun(Cursor c, char end, StringBuilder sb) {
    while (true) {
      int ch = c.peek();
      if (ch == Cursor.EOF || ch == end || ch == '$' || ch == '"' || ch == '\'') {
        return;
      }
      if (ch == '#') {
        if (end == '\n') {
          return;
        }
        sb.append((char) c.next());
      } else if (ch == '\\') {
        c.next();
        int escaped = c.next();
        if (escaped == Cursor.EOF) {
          return;
        }
        sb.append(controlFor((char) escaped));
      } else {
        sb.append((char) c.next());
      }
    }
  }

  private static char controlFor(char escaped) {
    return switch (escaped) {
      case 'a' -> (char) 7;
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'v' -> (char) 11;
      case '\n' -> ' ';
      default -> escaped;
    };
  }

  /** At {@code $}: reads {@code $(NAME)}, {@code ${NAME}} or {@code $NAME} and returns NAME. */
  String substitutionName(Cursor c) throws MakeflowException {
    c.next();
    char closer = 0;
    if (c.peek() == '(') {
      c.next();
      closer = ')';
    } else if (c.peek() == '{') {
      c.next();
      closer = '}';
    }
    SourcePosition nameAt = c.position();
    String name = readUntil(c, NAME_STOPS);
    if (name.isEmpty()) {
      throw error(nameAt, "expected a variable name after '$'; a '$' meant for the shell must be"
          + " written \\$ or put inside single quotes");
    }
    if (closer != 0) {
      if (c.peek() != closer) {
        throw error(c.position(), "expected '" + closer + "' to close the variable " + name);
      }
      c.next();
    }
    return name;
  }

  /** At {@code $}: reads a variable reference and returns the variable's value. */
  String substitute(Cursor c) throws MakeflowException {
    SourcePosition at = c.position();
    String name = substitutionName(c);
    if (c.inValue()) {
      throw error(at, "the value of a variable used here refers to $" + name + ", and Makeflow"
          + " does not substitute variables inside a value it is substituting; substitute "
          + name + " where the value is defined instead");
    }
    String value = lookup.valueOf(name);
    if (value == null) {
      throw error(at, "undefined variable " + name + ": define it above its first use"
          + " (or in the environment); a '$' meant for the shell must be written \\$ or put"
          + " inside single quotes");
    }
    return value;
  }
}

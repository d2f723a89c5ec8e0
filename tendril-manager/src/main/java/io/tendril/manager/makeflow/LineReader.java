package io.tendril.manager.makeflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Makeflow file line by line for the {@link Parser}, deciding what each line is the way
 * Makeflow does: a line starting with a tab or a space is a command; {@code #} starts a comment;
 * otherwise a {@code :} outside quotes and before any {@code =} makes a rule's file list, a
 * leading {@code export} an export, a {@code =} an assignment, a leading {@code .} a directive. A
 * leading {@code @} is dropped. Variables are substituted while a line is read, with the
 * variables the parser says are visible there, because Makeflow does the same.
 */
final class LineReader {
  private final Cursor cursor;
  private final String sourceName;
  private final List<String> notices;

  LineReader(String text, String sourceName, List<String> notices) {
    this.cursor = new Cursor(text);
    this.sourceName = sourceName;
    this.notices = notices;
  }

  /** The next meaningful line, or null at the end of the file. */
  Line next(TextReader.Lookup lookup) throws MakeflowException {
    TextReader reader = new TextReader(sourceName, lookup, notices);
    Cursor c = cursor;
    while (true) {
      SourcePosition at = c.position();
      int ch = c.peek();
      if (ch == Cursor.EOF) {
        return null;
      } else if (ch == '#') {
        c.skipComment();
      } else if (ch == '\n') {
        c.next();
      } else if (ch == '\t' || ch == ' ') {
        List<Token> tokens = new ArrayList<>();
        new CommandLexer(reader).read(c, 0, tokens);
        if (tokens.size() >= 2) {
          return new Line.Command(at, tokens);
        }
      } else if (ch == '@') {
        c.next();
        return keywordOrAssignment(reader, at);
      } else {
        int colon = c.unquotedDistance(':');
        int equal = c.unquotedDistance('=');
        if (colon != -1 && (equal == -1 || colon < equal)) {
          int continuation = c.unquotedLineContinuation();
          if (continuation != -1) {
            throw reader.error(new SourcePosition(at.line(), at.column() + continuation),
                "a backslash-newline cannot continue a rule's file list: Makeflow reads it as a"
                    + " blank inside a file name (or as a file named ' '); write the whole"
                    + " 'targets: sources' line on one line, or use a variable");
          }
          return new Line.RuleHeader(at, new FileListLexer(reader).readLine(c));
        }
        return keywordOrAssignment(reader, at);
      }
    }
  }

  private Line keywordOrAssignment(TextReader reader, SourcePosition at) throws MakeflowException {
    Cursor c = cursor;
    c.skipBlanks();
    SourcePosition nameAt = c.position();
    int first = c.peek();
    String name = TextReader.readUntil(c, first == '.' ? TextReader.WORD_STOPS : TextReader.NAME_STOPS);
    if (name.isEmpty()) {
      throw reader.error(nameAt, "cannot read this line: it is not a rule ('targets: sources'),"
          + " an assignment ('NAME=value'), 'export' or a directive, and a command must start"
          + " with a tab");
    }
    if (name.startsWith("\r")) {
      throw reader.error(nameAt, "this line starts with a carriage return: Makeflow does not"
          + " accept Windows line ends on blank lines; convert the file to Unix line ends");
    }
    if (name.equals("export")) {
      return export(reader, at);
    }
    if (c.unquotedDistance('=') != -1) {
      return assignment(reader, nameAt, name, false);
    }
    if (first == '.') {
      return directive(reader, nameAt, name);
    }
    throw reader.error(nameAt, "cannot read this line: '" + name + "' is not a keyword, the line"
        + " has no ':' (a rule) and no '=' (an assignment), and a command must follow a rule and"
        + " start with a tab");
  }

  private Line.Assignment assignment(TextReader reader, SourcePosition nameAt, String name,
      boolean exported) throws MakeflowException {
    Cursor c = cursor;
    c.skipBlanks();
    char operator = '=';
    if (c.peek() == '=') {
      c.next();
    } else {
      SourcePosition opAt = c.position();
      int op = c.next();
      if (c.peek() != '=') {
        throw reader.error(opAt, "expected '=' after the variable name " + name
            + " (a name ends at a blank or at one of , . - ( ) { } [ ] < > + ! ? / :)");
      }
      c.next();
      if (op != '+') {
        throw reader.error(opAt, "unknown assignment operator '" + (char) op
            + "=': Makeflow has '=' and '+='");
      }
      operator = '+';
    }
    String value = reader.value(c, name);
    return new Line.Assignment(nameAt, name, operator, value, exported);
  }

  private Line export(TextReader reader, SourcePosition at) throws MakeflowException {
    Cursor c = cursor;
    c.skipBlanks();
    if (c.unquotedDistance('=') != -1) {
      SourcePosition nameAt = c.position();
      String name = TextReader.readUntil(c, TextReader.NAME_STOPS);
      if (name.isEmpty()) {
        throw reader.error(nameAt, "expected the name of the variable to export");
      }
      return assignment(reader, nameAt, name, true);
    }
    List<String> names = new ArrayList<>();
    while (true) {
      c.skipBlanks();
      int ch = c.peek();
      if (ch == '\n' || ch == Cursor.EOF) {
        c.next();
        break;
      }
      if (ch == '#') {
        c.skipComment();
        break;
      }
      SourcePosition nameAt = c.position();
      String name = TextReader.readUntil(c, TextReader.NAME_STOPS);
      if (name.isEmpty()) {
        throw reader.error(nameAt, "expected the name of a variable to export");
      }
      names.add(name);
    }
    if (names.isEmpty()) {
      throw reader.error(at, "export needs the names of the variables to export");
    }
    return new Line.Export(at, List.copyOf(names));
  }

  private Line directive(TextReader reader, SourcePosition at, String name)
      throws MakeflowException {
    Cursor c = cursor;
    List<String> arguments = new ArrayList<>();
    while (true) {
      c.skipBlanks();
      int ch = c.peek();
      if (ch == '\n' || ch == Cursor.EOF) {
        c.next();
        break;
      }
      if (ch == '#') {
        c.skipComment();
        break;
      }
      SourcePosition argAt = c.position();
      if (ch == '\'') {
        arguments.add('\'' + reader.singleQuoted(c) + '\'');
        continue;
      }
      StringBuilder sb = new StringBuilder();
      if (reader.readEscapedUntil(c, TextReader.WORD_STOPS, sb) < 1) {
        throw reader.error(argAt, "the values of " + name
            + " must be plain words: variables and double quotes are not read there");
      }
      arguments.add(sb.toString());
    }
    return new Line.Directive(at, name, List.copyOf(arguments));
  }
}

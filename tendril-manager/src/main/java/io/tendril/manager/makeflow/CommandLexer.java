package io.tendril.manager.makeflow;

import java.util.List;

/**
 * Splits a command line into {@link Token}s the way Makeflow does, for the {@link LineReader}.
 * Each run of blanks becomes one space; single-quoted strings keep their quotes and are not
 * substituted; double-quoted strings keep their quotes and have their variables substituted as
 * they are; a variable outside quotes is replaced by its value read again as command text (so
 * its quotes, escapes and blanks count); a {@code #} outside quotes starts a comment.
 */
final class CommandLexer {
  private final TextReader reader;

  CommandLexer(TextReader reader) {
    this.reader = reader;
  }

  /**
   * Reads tokens up to the end of the line (or of a substituted value) into {@code out}.
   *
   * @param depth 0 for the file, 1 and more for values brought in by variables
   */
  void read(Cursor c, int depth, List<Token> out) throws MakeflowException {
    if (c.skipBlanks() > 0 && depth > 0) {
      out.add(Token.of(Token.Kind.SPACE, c.position()));
    }
    while (true) {
      SourcePosition at = c.position();
      int ch = c.peek();
      switch (ch) {
        case Cursor.EOF -> {
          return;
        }
        case '\n' -> {
          c.next();
          out.add(Token.of(Token.Kind.NEWLINE, at));
          return;
        }
        case '#' -> {
          c.skipComment();
          out.add(Token.of(Token.Kind.NEWLINE, at));
          return;
        }
        case ' ', '\t' -> {
          c.skipBlanks();
          out.add(Token.of(Token.Kind.SPACE, at));
        }
        case '$' -> {
          String value = reader.substitute(c);
          if (depth + 1 > TextReader.MAX_DEPTH) {
            throw reader.error(at, "variables bring in other variables more than "
                + TextReader.MAX_DEPTH + " levels deep (a variable that refers to itself?)");
          }
          read(new Cursor(value, at), depth + 1, out);
        }
        case '"' -> out.add(Token.literal('"' + reader.doubleQuoted(c, false) + '"', at));
        case '\'' -> out.add(Token.literal('\'' + reader.singleQuoted(c) + '\'', at));
        case '<', '>' -> {
          c.next();
          out.add(Token.literal(String.valueOf((char) ch), at));
        }
        default -> {
          StringBuilder sb = new StringBuilder();
          reader.readEscapedUntil(c, TextReader.WORD_STOPS, sb);
          out.add(Token.literal(sb.toString(), at));
        }
      }
    }
  }
}

package io.tendril.manager.makeflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a rule's {@code targets: sources} line into file names, colons and {@code ->} arrows the
 * way Makeflow does, for the {@link LineReader}. Unlike in commands, quotes are removed (a quoted
 * name may hold blanks), a variable outside quotes is read again as a file list (so a value
 * {@code "a b"} gives two files), and pieces written side by side join into one name.
 */
final class FileListLexer {
  private final TextReader reader;

  FileListLexer(TextReader reader) {
    this.reader = reader;
  }

  /** Reads the rest of the line and returns its file names, colons, arrows and newline. */
  List<Token> readLine(Cursor c) throws MakeflowException {
    List<Token> raw = new ArrayList<>();
    read(c, 0, raw);
    return joinNames(raw);
  }

  private void read(Cursor c, int depth, List<Token> out) throws MakeflowException {
    c.skipBlanks();
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
        case ':' -> {
          c.next();
          out.add(Token.of(Token.Kind.COLON, at));
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
        case '\'' -> out.add(Token.literal(reader.singleQuoted(c), at));
        case '"' -> out.add(Token.literal(reader.doubleQuoted(c, true), at));
        default -> {
          if (ch == '-' && c.peek(1) == '>') {
            c.next();
            c.next();
            out.add(Token.of(Token.Kind.RENAME, at));
          } else {
            out.add(Token.literal(fileName(c, at), at));
          }
        }
      }
    }
  }

  /** Reads an unquoted file name; a {@code -} belongs to it unless it starts {@code ->}. */
  private String fileName(Cursor c, SourcePosition at) throws MakeflowException {
    StringBuilder sb = new StringBuilder();
    int total = 0;
    while (true) {
      int n = reader.readEscapedUntil(c, TextReader.FILE_NAME_STOPS, sb);
      total += n;
      if (n > 0 && c.peek() == '-' && c.peek(1) != '>') {
        sb.append((char) c.next());
        total++;
        continue;
      }
      break;
    }
    if (total < 1) {
      throw reader.error(at, c.peek() == '-'
          ? "a file name cannot start with '-' (and '->' must follow a file name)"
          : "expected a file name");
    }
    return sb.toString();
  }

  /** Joins names written side by side ({@code 'a'"b"c} is {@code abc}) and drops blanks. */
  private static List<Token> joinNames(List<Token> raw) {
    List<Token> out = new ArrayList<>(raw.size());
    Token pending = null;
    for (Token t : raw) {
      if (t.is(Token.Kind.LITERAL)) {
        pending = pending == null ? t : Token.literal(pending.text() + t.text(), pending.at());
        continue;
      }
      if (pending != null) {
        out.add(pending);
        pending = null;
      }
      if (!t.is(Token.Kind.SPACE)) {
        out.add(t);
      }
    }
    if (pending != null) {
      out.add(pending);
    }
    return out;
  }
}

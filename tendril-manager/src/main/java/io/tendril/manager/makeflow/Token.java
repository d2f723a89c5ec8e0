package io.tendril.manager.makeflow;

/**
 * One piece of a rule's file list or command, after variables were substituted: what the lexers
 * ({@link CommandLexer}, {@link FileListLexer}) hand the {@link Parser}.
 *
 * @param kind what the piece is
 * @param text the characters of a {@link Kind#LITERAL}; empty for the other kinds
 * @param at where the piece starts, or where the variable that produced it was used
 */
record Token(Kind kind, String text, SourcePosition at) {
  /** The kinds of pieces. */
  enum Kind {
    /** Text: a word, a quoted string, a file name. */
    LITERAL,
    /** A run of blanks, which a command keeps as one space. */
    SPACE,
    /** The end of the line (a comment ends it too). */
    NEWLINE,
    /** The {@code :} between targets and sources. */
    COLON,
    /** The {@code ->} of a remote name. */
    RENAME
  }

  static Token literal(String text, SourcePosition at) {
    return new Token(Kind.LITERAL, text, at);
  }

  static Token of(Kind kind, SourcePosition at) {
    return new Token(kind, "", at);
  }

  boolean is(Kind k) {
    return kind == k;
  }
}

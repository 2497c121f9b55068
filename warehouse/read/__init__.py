"""The read side, for analysts and operators: SQL on the published marts, the summary, the
status, the article's report and the documentation site. Nothing here writes a warehouse."""

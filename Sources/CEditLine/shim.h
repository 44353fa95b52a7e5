// libedit (BSD editline) for the bbs REPL, through its GNU-readline compatibility API.
// Swift cannot call libedit's variadic el_set/history, so only non-variadic calls are used;
// the static inline helpers below keep Swift away from C globals it would see as unsafe.
#ifndef BBS_CEDITLINE_SHIM_H
#define BBS_CEDITLINE_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <editline/readline.h>

static inline void bbs_rl_set_completion(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void bbs_rl_set_word_breaks(const char *chars) {
    rl_basic_word_break_characters = chars;
    rl_completer_word_break_characters = (char *)chars;
}
static inline void bbs_rl_set_append_character(int c) { rl_completion_append_character = c; }
static inline void bbs_rl_set_completion_over(int on) { rl_attempted_completion_over = on; }
static inline void bbs_rl_set_catch_signals(int on) { rl_catch_signals = on; }
static inline void bbs_rl_set_name(const char *name) { rl_readline_name = name; }
static inline void bbs_rl_set_query_items(int n) { rl_completion_query_items = n; }
static inline const char *bbs_rl_line_buffer(void) { return rl_line_buffer; }
static inline int bbs_rl_point(void) { return rl_point; }
static inline int bbs_history_length(void) { return history_length; }
static inline int bbs_history_base(void) { return history_base; }
static inline const char *bbs_history_line(int offset) {
    HIST_ENTRY *e = history_get(history_base + offset);
    return e ? e->line : NULL;
}

#endif

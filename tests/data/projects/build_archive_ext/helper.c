int helper_answer(void) { return 42; }

/* The subcommands of `morphogan analyze` that live in cmd_analyze_edit.c. */
#ifndef MG_ANALYZE_SUB_H
#define MG_ANALYZE_SUB_H
int analyze_nn_main(int argc, char **argv);      /* morphogan analyze nn ... (argv[0] = "nn") */
int analyze_edit_main(int argc, char **argv);    /* morphogan analyze edit ... (argv[0] = "edit") */
#endif

/* Subcommands of the morphogan program: each takes (argc, argv) with argv[0] = the command name,
 * prints its own --help, and returns the process exit status. */
#ifndef MG_COMMANDS_H
#define MG_COMMANDS_H
typedef struct Command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} Command;

/* one line per command; the table is in cli/main.c */
int cmd_version(int argc, char **argv);
int cmd_synth(int, char**);
int cmd_morpho(int, char**);
int cmd_train_course(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_interpolate(int argc, char **argv);
int cmd_dataset(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_style_mix(int argc, char **argv);
int cmd_walk(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_project(int argc, char **argv);
int cmd_train_encoder(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_ablate_encoder(int argc, char **argv);
#endif

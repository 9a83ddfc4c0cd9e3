/* morphogan: one program, subcommands.  `morphogan help` lists them. */
#include "cli/commands.h"
#include "core/threads.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const Command commands[] = {
    {"demo", "the whole study on synthetic diatoms: synth, StyleGAN2, encoder, latent SVM, walk, morphometrics, report", cmd_demo},
    {"version", "print the version and build configuration", cmd_version},
    {"synth", "write a synthetic diatom data set with a known treatment effect", cmd_synth},
    {"train-course", "train the course DCGAN (28x28) on IDX images: samples, log, checkpoints, resume", cmd_train_course},
    {"train", "train a GAN (DCGAN, conditional DCGAN, StyleGAN2; bce, wgan-gp, hinge, lsgan) or a VAE: grids, logs, checkpoints, exact resume", cmd_train},
    {"dataset", "load and prepare images (folders of PNG/JPEG/TIFF, IDX): counts, rejects, split, --out PNGs", cmd_dataset},
    {"generate", "images of a trained GAN for given seeds (PNGs or a grid), per class for conditional models", cmd_generate},
    {"style-mix", "StyleGAN2 style-mixing grid: column seeds with the coarse/middle/fine styles of row seeds", cmd_style_mix},
    {"walk", "walk StyleGAN2 codes along a direction, measure the images (morpho): change per unit with CI vs the truth", cmd_walk},
    {"interpolate", "walk between seeds of a trained model: lerp/slerp strip or the plane of three seeds; PNG, animated GIF", cmd_interpolate},
    {"morpho", "measure valve outlines (length, width, bending, EFDs...); compare two groups", cmd_morpho},
    {"project", "find the latent codes of images in a StyleGAN2 generator (optimisation; PNG, .npy, GIF)", cmd_project},
    {"train-encoder", "train an e4e-style encoder (image -> W+ code) for a StyleGAN2 generator", cmd_train_encoder},
    {"encode", "latent table of a labelled image folder (codes.npy, table.csv), reconstruction errors, hybrid, morpho check", cmd_encode},
    {"ablate-encoder", "train the six encoder configurations of the study briefly; table of L2, perceptual, d-reg, adversarial", cmd_ablate_encoder},
    {"metrics", "FID, KID, precision/recall, Inception Score (domain, Inception-v3 or morphometric features); classes; train-features", cmd_metrics},
    {"report", "one self-contained HTML page of a run folder: curves, grids, classification, PCA, t-SNE, walks, effects", cmd_report},
    {"analyze", "latent table: classifiers (SVM, logreg, MLP), PCA, t-SNE, directions; nn; edit codes", cmd_analyze},
};
static const int n_commands = sizeof commands / sizeof commands[0];

static void usage(FILE *f) {
    fprintf(f, "usage: morphogan <command> [options]   (morphogan <command> --help for each)\n\ncommands:\n");
    for (int i = 0; i < n_commands; i++) fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nthreads: --threads N on any command, or MORPHOGAN_THREADS (default: OMP_NUM_THREADS, else all cores)\n"
               "waiting threads: GOMP_SPINCOUNT=30000 unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set;\n"
               "  on a machine shared with other busy processes, OMP_WAIT_POLICY=passive may be faster\n");
}

int cmd_version(int argc, char **argv) {
    (void)argc; (void)argv;
    printf("morphogan 0.1 (C11, OpenBLAS, %d threads)\n", mg_get_threads());
    return 0;
}

/* --threads N anywhere on the line applies to every command; it is removed before dispatch */
static int take_threads_option(int *argc, char **argv) {
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--threads")) continue;
        char *end = NULL;
        long n = i + 1 < *argc ? strtol(argv[i + 1], &end, 10) : 0;
        if (!end || *end || n < 1 || n > 1024) {
            fprintf(stderr, "morphogan: --threads needs a positive number, e.g. --threads 2\n");
            return -1;
        }
        mg_set_threads((int)n);
        for (int j = i; j + 2 <= *argc; j++) argv[j] = argv[j + 2];
        *argc -= 2;
        i--;
    }
    return 0;
}

int main(int argc, char **argv) {
    mg_default_wait_policy(argv);
    mg_threads_from_env();
    if (take_threads_option(&argc, argv)) return 2;
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (int i = 0; i < n_commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "morphogan: unknown command '%s'; type 'morphogan help' for the list\n", argv[1]);
    return 2;
}

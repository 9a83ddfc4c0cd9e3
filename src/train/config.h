/* The options of `morphogan train`, one table for the command line (--n-critic 5), JSON config
 * files ({"n_critic": 5}) and the resolved config.json written into the run folder.
 *
 * Resolution order: defaults, then the config stored in the --resume checkpoint, then --config
 * FILE, then the command line.  Fields marked "fixed" (model, loss, optimiser, data, seed...) must
 * equal the checkpoint's when resuming, so a resumed run computes the same numbers. */
#ifndef MG_TRAIN_CONFIG_H
#define MG_TRAIN_CONFIG_H

#define TC_PATH 1024
enum { TC_DNORM_AUTO, TC_DNORM_BN, TC_DNORM_NONE, TC_DNORM_SN };

typedef struct TrainConfig {
    char data[TC_PATH], labels[TC_PATH], outdir[TC_PATH], resume[TC_PATH], config[TC_PATH];
    int max_images;
    long steps;                 /* resolved from kimg when kimg > 0 */
    double kimg;                /* thousands of real images shown to D (0: use steps) */
    int snap;                   /* steps between snapshots */
    int batch;
    long seed;
    int cfg;                    /* index into train_cfg_names */
    int resolution, channels, z_dim, g_width, d_width;   /* 0: the model's default (resolved) */
    int cond;                   /* 1: class-conditional (needs labelled data; --cfg dcgan) */
    int n_classes;              /* conditional: number of classes (0: from the data) */
    int loss;                   /* GanLoss */
    int n_critic;
    float lr, lr_d, betas[2];   /* lr_d: D's learning rate, 0 = lr */
    float ema;                  /* G EMA decay, 0 = none */
    float gp_lambda;
    float beta;                 /* vae: weight of the KL term */
    int fresh_z;                /* 1: the G update draws its own z */
    int d_batch;                /* 0 separate, 1 joint */
    float label_smooth;
    int init;                   /* 0 dcgan N(0, 0.02), 1 torch default */
    int d_norm;                 /* TC_DNORM_*: D's normalisation (auto resolves to bn, or none for wgan-gp) */
    /* stylegan2 */
    int w_dim, map_layers, ch_base, ch_max;   /* 0: the model's default (resolved) */
    float r1_gamma;             /* < 0: the reference's heuristic 0.0002 R^2 / batch (resolved) */
    float pl_weight, mixing;
    double ema_kimg;            /* G EMA half-life in kimg; 0: batch 10 / 32 (resolved) */
    int augment;                /* TC_AUG_*: augmentation of what D sees (stylegan2) */
    float augment_p;            /* fixed: the probability; ada: the starting p */
    char augment_ops[TC_PATH];  /* "translate,cutout,color" (train/diffaug.h names) */
    float ada_target, ada_pmax, ada_kimg;
    double grow_kimg;           /* progressive growing: kimg of each fade-in and each stable half phase; 0 = off (train/sg2_grow.h) */
    /* quality metrics at every snapshot (train/snapshot_metrics.h) */
    char metrics[TC_PATH];      /* comma-separated from fid,kid,pr,is; "" = none */
    char metrics_net[TC_PATH];  /* their feature network (analysis/features.h) */
    int metrics_features;       /* TC_MFEAT_*: auto = the kind of the --metrics-net file */
    int metrics_n;              /* generated images per evaluation (and real images of the training data) */
} TrainConfig;
enum { TC_AUG_NONE, TC_AUG_FIXED, TC_AUG_ADA };
enum { TC_MFEAT_AUTO, TC_MFEAT_DOMAIN, TC_MFEAT_INCEPTION, TC_MFEAT_MORPHO };

enum { TC_CFG_COURSE, TC_CFG_DCGAN, TC_CFG_VAE, TC_CFG_STYLEGAN2 };
extern const char *const train_cfg_names[];     /* "dcgan-course", "dcgan", "vae", "stylegan2", NULL */

void train_config_defaults(TrainConfig *c);
/* Parses argv[1..] onto c.  Returns 0, 1 when --help was printed, or -1 after printing a one-line
 * error to stderr.  pass 0 only takes --resume and --config (and --help); pass 1 takes everything. */
int train_config_argv(TrainConfig *c, int argc, char **argv, int pass);
/* Applies a JSON object's keys (text: the JSON; what: its name in messages).  0 or -1 + mg_error. */
int train_config_json(TrainConfig *c, const char *text, const char *what);
int train_config_file(TrainConfig *c, const char *path);
/* kimg -> steps, cross-field checks (-1 + mg_error with what to type instead). */
int train_config_resolve(TrainConfig *c);
/* The resolved values as JSON (malloc'd); without resume and config. */
char *train_config_to_json(const TrainConfig *c);
/* 0 when every fixed field of a and b agrees; else -1 + mg_error naming the option. */
int train_config_same_run(const TrainConfig *a, const TrainConfig *b, const char *ckpt);
void train_config_usage(void);
#endif

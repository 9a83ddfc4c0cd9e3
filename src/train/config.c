#include "train/config.h"
#include "core/error.h"
#include "train/gan_loss.h"
#include "train/diffaug.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const train_cfg_names[] = {"dcgan-course", "dcgan", "vae", "stylegan2", NULL};
static const char *const d_batch_names[] = {"separate", "joint", NULL};
static const char *const init_names[] = {"dcgan", "torch", NULL};
static const char *const d_norm_names[] = {"auto", "bn", "none", "sn", NULL};
static const char *const augment_names[] = {"none", "fixed", "ada", NULL};
static const char *const metrics_feature_names[] = {"auto", "domain", "inception", "morpho", NULL};

typedef enum { T_STR, T_INT, T_LONG, T_FLOAT, T_DOUBLE, T_ENUM, T_PAIR } Type;
typedef struct {
    const char *opt;            /* command-line name; the JSON key is the same with '_' for '-' */
    Type type;
    size_t off;
    double lo, hi;
    const char *const *choices;
    int fixed;                  /* must match the checkpoint's on resume */
    int in_json;                /* written to config.json (2: only when not 0, so runs without it keep their config bytes) */
    const char *example, *help;
} Field;

#define F(o, t, m, lo, hi, ch, fx, js, ex, h) {o, t, offsetof(TrainConfig, m), lo, hi, ch, fx, js, ex, h}
static const Field fields[] = {
    F("data", T_STR, data, 0, 0, NULL, 1, 1, "train-images-idx3-ubyte.gz", "IDX images (plain or .gz) or a folder of PNG/JPEG/TIFF images (labels: sub-folder names)"),
    F("labels", T_STR, labels, 0, 0, NULL, 0, 1, "train-labels-idx1-ubyte.gz", "labels: an IDX labels file, or a CSV file,label for folders (default: the IDX labels file next to --data)"),
    F("max-images", T_INT, max_images, 0, 1 << 30, NULL, 1, 1, "1000", "use only the first N images (0: all)"),
    F("outdir", T_STR, outdir, 0, 0, NULL, 0, 1, "runs/x", "run folder: config.json, log.csv, snapshots.csv, samples_<step>.png, checkpoint.safetensors"),
    F("steps", T_LONG, steps, 1, 1e9, NULL, 0, 1, "2000", "training steps (one G update each)"),
    F("kimg", T_DOUBLE, kimg, 0, 1e9, NULL, 0, 1, "256", "train for this many thousand images, steps x batch / 1000 (overrides --steps)"),
    F("snap", T_INT, snap, 1, 1e9, NULL, 0, 1, "500", "steps between snapshots (grid, checkpoint, diversity)"),
    F("batch", T_INT, batch, 2, 65536, NULL, 1, 1, "64", "batch size"),
    F("seed", T_LONG, seed, 0, 2147483647.0, NULL, 1, 1, "1", "seed of every random draw"),
    F("cfg", T_ENUM, cfg, 0, 0, train_cfg_names, 1, 1, "dcgan-course", "model: the course DCGAN (28x28), the DCGAN paper's (16..256), a convolutional VAE (DCGAN-shaped encoder/decoder), or a StyleGAN2-style generator (32..256, docs/stylegan2.md)"),
    F("resolution", T_INT, resolution, 0, 256, NULL, 1, 1, "64", "dcgan: image side, a power of two 16..256, images resized to it (0: 64; dcgan-course: 28)"),
    F("channels", T_INT, channels, 0, 3, NULL, 1, 1, "3", "dcgan: 1 grey or 3 RGB (0: 1)"),
    F("z-dim", T_INT, z_dim, 0, 4096, NULL, 1, 1, "100", "latent size (0: dcgan 100, dcgan-course 64)"),
    F("g-width", T_INT, g_width, 0, 4096, NULL, 1, 1, "64", "dcgan: G's last hidden width, doubling towards z (0: 64)"),
    F("d-width", T_INT, d_width, 0, 4096, NULL, 1, 1, "64", "dcgan: D's first width, doubling with depth (0: 64)"),
    F("cond", T_INT, cond, 0, 1, NULL, 1, 1, "1", "1 = class-conditional: dcgan one-hot class with z for G, class planes for D; stylegan2 label embedding in the mapping, projection D"),
    F("n-classes", T_INT, n_classes, 0, 100000, NULL, 1, 1, "10", "conditional: number of classes (0: as many as the data has)"),
    F("loss", T_ENUM, loss, 0, 0, gan_loss_names, 1, 1, "wgan-gp", "objective"),
    F("n-critic", T_INT, n_critic, 1, 100, NULL, 1, 1, "5", "D updates per G update"),
    F("lr", T_FLOAT, lr, 0, 1e30, NULL, 1, 1, "0.0002", "Adam learning rate of G (and of D unless --lr-d); 0: 0.0002, stylegan2 0.0025"),
    F("lr-d", T_FLOAT, lr_d, 0, 1e30, NULL, 1, 1, "0.0004", "D's learning rate if different (two time-scale update rule); 0 = --lr"),
    F("betas", T_PAIR, betas, 0, 0.999999, NULL, 1, 1, "0.5,0.999", "Adam betas of G and D; 0,0: 0.5,0.999, stylegan2 0,0.99"),
    F("ema", T_FLOAT, ema, 0, 0.999999, NULL, 1, 1, "0.999", "decay of G's EMA used for the grids (0: none)"),
    F("gp-lambda", T_FLOAT, gp_lambda, 0, 1e6, NULL, 1, 1, "10", "weight of the WGAN-GP gradient penalty"),
    F("beta", T_FLOAT, beta, 0, 1e6, NULL, 1, 1, "1", "vae: weight of the KL term (the loss is sum-of-squares reconstruction + beta KL)"),
    F("fresh-z", T_INT, fresh_z, 0, 1, NULL, 1, 1, "1", "1: the G update draws its own z (0: reuses the D update's fake)"),
    F("d-batch", T_ENUM, d_batch, 0, 0, d_batch_names, 1, 1, "joint", "D sees real and fake separately or as one batch"),
    F("label-smooth", T_FLOAT, label_smooth, 0, 0.5, NULL, 1, 1, "0.1", "bce: real target 1 - s"),
    F("init", T_ENUM, init, 0, 0, init_names, 1, 1, "torch", "weights N(0,0.02) (DCGAN paper) or PyTorch's default"),
    F("d-norm", T_ENUM, d_norm, 0, 0, d_norm_names, 1, 1, "sn", "D's normalisation: batch norm, none, spectral norm; auto = bn, none for wgan-gp"),
    F("w-dim", T_INT, w_dim, 0, 4096, NULL, 1, 1, "128", "stylegan2: size of w (0: = z-dim)"),
    F("map-layers", T_INT, map_layers, 0, 8, NULL, 1, 1, "8", "stylegan2: fully connected layers of the mapping network (0: 8)"),
    F("ch-base", T_INT, ch_base, 0, 1 << 20, NULL, 1, 1, "1024", "stylegan2: channels at resolution r are min(ch-base / r, ch-max) (0: 1024)"),
    F("ch-max", T_INT, ch_max, 0, 4096, NULL, 1, 1, "64", "stylegan2: most channels of a layer (0: 64)"),
    F("r1-gamma", T_FLOAT, r1_gamma, -1, 1e6, NULL, 1, 1, "0.05", "stylegan2: R1 weight on reals, every 16 D steps (-1: 0.0002 R^2 / batch, the reference's heuristic)"),
    F("pl-weight", T_FLOAT, pl_weight, 0, 1e6, NULL, 1, 1, "2", "stylegan2: path-length regularisation weight, every 4 G steps (0: off)"),
    F("mixing", T_FLOAT, mixing, 0, 1, NULL, 1, 1, "0.9", "stylegan2: style-mixing probability"),
    F("ema-kimg", T_DOUBLE, ema_kimg, 0, 1e9, NULL, 1, 1, "10", "stylegan2: half-life of G's moving average in kimg (0: batch x 10/32), ramped up over the first 5% of images"),
    F("augment", T_ENUM, augment, 0, 0, augment_names, 1, 1, "ada", "stylegan2: augment real and generated images before D: none, a fixed probability, or adaptive (ADA)"),
    F("augment-p", T_FLOAT, augment_p, 0, 1, NULL, 1, 1, "0.2", "stylegan2: probability of each transform (fixed), or ADA's starting value"),
    F("augment-ops", T_STR, augment_ops, 0, 0, NULL, 1, 1, "translate,cutout,color", "stylegan2: transforms among xflip, rot90, translate, cutout, brightness, saturation, contrast, color (docs/augment.md)"),
    F("ada-target", T_FLOAT, ada_target, -0.99, 0.99, NULL, 1, 1, "0.6", "stylegan2: ADA keeps E[sign D(real)] at this value"),
    F("ada-pmax", T_FLOAT, ada_pmax, 0, 1, NULL, 1, 1, "0.6", "stylegan2: upper bound of ADA's p (keeps flips/turns from leaking into samples)"),
    F("ada-kimg", T_FLOAT, ada_kimg, 1e-3, 1e9, NULL, 1, 1, "500", "stylegan2: thousands of images for ADA's p to move by 1"),
    F("grow-kimg", T_DOUBLE, grow_kimg, 0, 1e9, NULL, 1, 2, "20", "stylegan2: progressive growing from 8x8, each resolution K kimg of fade-in then K kimg stable (0: off)"),
    F("metrics", T_STR, metrics, 0, 0, NULL, 0, 1, "fid,kid", "at every snapshot: fid, kid, pr, is of --metrics-n generated vs training images -> metrics.csv"),
    F("metrics-net", T_STR, metrics_net, 0, 0, NULL, 0, 1, "featnet.safetensors", "their feature network: a domain network (metrics train-features) or Inception-v3 weights (tools/convert_inception.py)"),
    F("metrics-features", T_ENUM, metrics_features, 0, 0, metrics_feature_names, 0, 1, "inception", "the feature space; auto = the kind of the --metrics-net file"),
    F("metrics-n", T_INT, metrics_n, 2, 1 << 20, NULL, 0, 1, "1000", "generated images per evaluation (real: as many training images)"),
    F("resume", T_STR, resume, 0, 0, NULL, 0, 0, "runs/x/checkpoint.safetensors", "continue from a checkpoint"),
    F("config", T_STR, config, 0, 0, NULL, 0, 0, "run.json", "options from a JSON file (keys: option names with _ for -)"),
};
#define NFIELDS ((int)(sizeof fields / sizeof fields[0]))

void train_config_defaults(TrainConfig *c) {
    memset(c, 0, sizeof *c);
    strcpy(c->data, "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
    strcpy(c->outdir, "runs/train");
    c->steps = 2000;
    c->snap = 500;
    c->batch = 64;
    c->cfg = 0;
    c->loss = GAN_BCE;
    c->n_critic = 1;
    c->lr = 0;                  /* resolved per model */
    c->r1_gamma = -1;
    c->pl_weight = 2;
    c->mixing = 0.9f;
    c->augment = TC_AUG_ADA;
    strcpy(c->augment_ops, "translate,cutout,color");
    c->ada_target = 0.6f;
    c->ada_pmax = 0.6f;
    c->ada_kimg = 500;
    c->gp_lambda = 10.0f;
    c->beta = 1.0f;
    c->fresh_z = 1;
    c->metrics_n = 1000;
}

static void json_key(const char *opt, char *out) {
    size_t i = 0;
    for (; opt[i] && i < 63; i++) out[i] = opt[i] == '-' ? '_' : opt[i];
    out[i] = 0;
}

static void choices_str(const char *const *ch, char *out, size_t cap) {
    out[0] = 0;
    for (int i = 0; ch[i]; i++) snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? ", " : "", ch[i]);
}

/* sets field f from text v; on error sets mg_error "<where>: ..." with what to type */
static int set_text(TrainConfig *c, const Field *f, const char *v, const char *where, int json) {
    char *p = (char *)c + f->off, *end = NULL;
    char ch[256], name[80], ex[200];
    if (json) {
        char key[64];
        json_key(f->opt, key);
        snprintf(name, sizeof name, "\"%s\"", key);
        const int quoted = f->type == T_STR || f->type == T_ENUM, pair = f->type == T_PAIR;
        snprintf(ex, sizeof ex, "%s: %s%s%s", name, quoted ? "\"" : pair ? "[" : "", f->example, quoted ? "\"" : pair ? "]" : "");
    } else {
        snprintf(name, sizeof name, "--%s", f->opt);
        snprintf(ex, sizeof ex, "--%s %s", f->opt, f->example);
    }
    errno = 0;
    switch (f->type) {
    case T_STR:
        if (strlen(v) >= TC_PATH) return mg_error_set("%s: %s is longer than %d characters", where, name, TC_PATH - 1), -1;
        strcpy(p, v);
        return 0;
    case T_INT:
    case T_LONG: {
        long x = strtol(v, &end, 10);
        if (errno || *end || !*v || x < f->lo || x > f->hi)
            return mg_error_set("%s: %s needs a whole number from %.0f to %.0f, e.g. %s", where, name, f->lo, f->hi, ex), -1;
        if (f->type == T_INT) *(int *)p = (int)x;
        else *(long *)p = x;
        if (!strcmp(f->opt, "steps")) c->kimg = 0;
        return 0;
    }
    case T_FLOAT:
    case T_DOUBLE: {
        double x = strtod(v, &end);
        if (errno || *end || !*v || !(x >= f->lo && x <= f->hi))
            return mg_error_set("%s: %s needs a number from %g to %g, e.g. %s", where, name, f->lo, f->hi, ex), -1;
        if (f->type == T_FLOAT) *(float *)p = (float)x;
        else *(double *)p = x;
        return 0;
    }
    case T_PAIR: {
        double a = strtod(v, &end), b = -1;
        if (*end == ',') b = strtod(end + 1, &end);
        if (errno || *end || !(a >= f->lo && a <= f->hi && b >= f->lo && b <= f->hi))
            return mg_error_set("%s: %s needs two numbers from 0 to 1 (exclusive), e.g. %s", where, name, ex), -1;
        ((float *)p)[0] = (float)a;
        ((float *)p)[1] = (float)b;
        return 0;
    }
    case T_ENUM:
        for (int i = 0; f->choices[i]; i++)
            if (!strcmp(v, f->choices[i])) { *(int *)p = i; return 0; }
        choices_str(f->choices, ch, sizeof ch);
        return mg_error_set("%s: %s is one of %s, not '%s'; e.g. %s", where, name, ch, v, ex), -1;
    }
    return -1;
}

static const Field *find_opt(const char *name) {
    for (int i = 0; i < NFIELDS; i++)
        if (!strcmp(name, fields[i].opt)) return &fields[i];
    return NULL;
}

void train_config_usage(void) {
    printf("usage: morphogan train [options]\n"
           "Train a GAN on IDX images or an image folder: progress line, log.csv, a grid of fixed seeds and a checkpoint at every\n"
           "snapshot, exact --resume, Ctrl-C writes a snapshot and stops.  With one D update per G update the course\n"
           "DCGAN collapses to one image: use --n-critic 5 (bce), or --loss wgan-gp --n-critic 2 --lr 1e-4 --lr-d 4e-4\n"
           "--betas 0.5,0.9 (docs/train.md).  Options (defaults in brackets):\n");
    TrainConfig d;
    train_config_defaults(&d);
    char *js = train_config_to_json(&d);
    cJSON *o = cJSON_Parse(js);
    for (int i = 0; i < NFIELDS; i++) {
        char key[64], val[96] = "";
        json_key(fields[i].opt, key);
        cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        if (v) { char *s = cJSON_PrintUnformatted(v); snprintf(val, sizeof val, " [%s]", s); free(s); }
        char lhs[64];
        snprintf(lhs, sizeof lhs, "--%s %s", fields[i].opt, fields[i].type == T_ENUM ? "X" : fields[i].type == T_STR ? "PATH" : "N");
        printf("  %-22s %s%s\n", lhs, fields[i].help, val);
        if (fields[i].type == T_ENUM) {
            char ch[256];
            choices_str(fields[i].choices, ch, sizeof ch);
            printf("  %-22s one of: %s\n", "", ch);
        }
    }
    printf("  %-22s CPU threads\n", "--threads N");
    cJSON_Delete(o);
    free(js);
}

int train_config_argv(TrainConfig *c, int argc, char **argv, int pass) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            if (pass == 0) train_config_usage();
            return 1;
        }
        const Field *f = strncmp(a, "--", 2) ? NULL : find_opt(a + 2);
        if (!f) {
            fprintf(stderr, "morphogan train: unknown option '%s'; see morphogan train --help\n", a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "morphogan train: %s needs a value, e.g. %s %s\n", a, a, f->example);
            return -1;
        }
        const char *v = argv[++i];
        int early = f->off == offsetof(TrainConfig, resume) || f->off == offsetof(TrainConfig, config);
        if (early != (pass == 0)) continue;
        if (set_text(c, f, v, "morphogan train", 0)) {
            fprintf(stderr, "%s\n", mg_error_get());
            return -1;
        }
    }
    return 0;
}

int train_config_json(TrainConfig *c, const char *text, const char *what) {
    cJSON *o = cJSON_Parse(text);
    if (!o || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return mg_error_set("%s: not a JSON object", what);
    }
    int rc = 0;
    for (cJSON *it = o->child; it && !rc; it = it->next) {
        const Field *f = NULL;
        for (int i = 0; i < NFIELDS && !f; i++) {
            char key[64];
            json_key(fields[i].opt, key);
            if (!strcmp(key, it->string) && fields[i].in_json) f = &fields[i];
        }
        if (!f) {
            rc = mg_error_set("%s: unknown key \"%s\" (keys are the option names with _ for -, e.g. \"n_critic\")", what,
                              it->string);
            break;
        }
        char buf[TC_PATH + 64];
        if (cJSON_IsString(it) && (f->type == T_STR || f->type == T_ENUM)) snprintf(buf, sizeof buf, "%s", it->valuestring);
        else if (cJSON_IsNumber(it) && f->type != T_STR && f->type != T_ENUM && f->type != T_PAIR)
            snprintf(buf, sizeof buf, f->type == T_INT || f->type == T_LONG ? "%.0f" : "%.9g", it->valuedouble);
        else if (cJSON_IsBool(it) && f->type == T_INT) snprintf(buf, sizeof buf, "%d", cJSON_IsTrue(it));
        else if (cJSON_IsArray(it) && f->type == T_PAIR && cJSON_GetArraySize(it) == 2 &&
                 cJSON_IsNumber(cJSON_GetArrayItem(it, 0)) && cJSON_IsNumber(cJSON_GetArrayItem(it, 1)))
            snprintf(buf, sizeof buf, "%.9g,%.9g", cJSON_GetArrayItem(it, 0)->valuedouble, cJSON_GetArrayItem(it, 1)->valuedouble);
        else {
            rc = mg_error_set("%s: \"%s\" has the wrong type; e.g. \"%s\": %s%s%s", what, it->string, it->string,
                              f->type == T_STR || f->type == T_ENUM ? "\"" : f->type == T_PAIR ? "[" : "",
                              f->example, f->type == T_STR || f->type == T_ENUM ? "\"" : f->type == T_PAIR ? "]" : "");
            break;
        }
        if (cJSON_IsNumber(it) && (f->type == T_INT || f->type == T_LONG) && it->valuedouble != floor(it->valuedouble))
            snprintf(buf, sizeof buf, "%.9g", it->valuedouble);     /* let set_text reject 2.5 */
        rc = set_text(c, f, buf, what, 1);
    }
    cJSON_Delete(o);
    return rc;
}

int train_config_file(TrainConfig *c, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return mg_error_set("%s: cannot read: %s", path, strerror(errno));
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) text = realloc(text, cap = 2 * cap + 8192);
        size_t k = fread(text + n, 1, 4096, f);
        n += k;
        if (k < 4096) break;
        if (n > (1u << 20)) { fclose(f); free(text); return mg_error_set("%s: larger than 1 MiB: not a config", path); }
    }
    fclose(f);
    text[n] = 0;
    int rc = train_config_json(c, text, path);
    free(text);
    return rc;
}

static int check_metrics(const TrainConfig *c);

int train_config_resolve(TrainConfig *c) {
    if (c->kimg > 0) c->steps = (long)ceil(c->kimg * 1000.0 / c->batch - 1e-9);
    if (c->steps < 1) c->steps = 1;
    if (c->loss == GAN_WGAN_GP && c->d_batch == 1)
        return mg_error_set("morphogan train: --d-batch joint has no meaning for --loss wgan-gp (its critic has no batch norm); use --d-batch separate");
    const int sg2 = c->cfg == TC_CFG_STYLEGAN2;
    if (c->grow_kimg > 0 && !sg2)
        return mg_error_set("morphogan train: --grow-kimg (progressive growing) needs --cfg stylegan2; leave it out for --cfg %s", train_cfg_names[c->cfg]);
    if (c->lr == 0) c->lr = sg2 ? 0.0025f : 2e-4f;
    if (c->betas[0] == 0 && c->betas[1] == 0) {
        c->betas[0] = sg2 ? 0.0f : 0.5f;
        c->betas[1] = sg2 ? 0.99f : 0.999f;
    }
    if (sg2) {
        if (c->loss != GAN_BCE) return mg_error_set("morphogan train: --cfg stylegan2 trains with the non-saturating logistic loss; use --loss bce");
        if (c->n_critic != 1) return mg_error_set("morphogan train: --cfg stylegan2 takes one D step per G step; leave --n-critic out");
        if (!c->resolution) c->resolution = 64;
        if (!c->channels) c->channels = 1;
        if (!c->z_dim) c->z_dim = 128;
        if (!c->w_dim) c->w_dim = c->z_dim;
        if (!c->map_layers) c->map_layers = 8;
        if (!c->ch_base) c->ch_base = 1024;
        if (!c->ch_max) c->ch_max = 64;
        if (c->r1_gamma < 0) c->r1_gamma = 0.0002f * c->resolution * c->resolution / c->batch;
        if (c->ema_kimg == 0) c->ema_kimg = c->batch * 10.0 / 32.0;
        int r = c->resolution;
        if (r < 32 || (r & (r - 1)) || c->channels == 2)
            return mg_error_set("morphogan train: --resolution %d --channels %d: stylegan2 needs a power of two from 32 to 256 and 1 or 3 channels", r, c->channels);
        unsigned ops;
        if (diffaug_parse_ops(c->augment_ops, &ops)) {
            char why[512];
            snprintf(why, sizeof why, "%s", mg_error_get());
            return mg_error_set("morphogan train: --augment-ops: %s", why);
        }
        if (c->augment == TC_AUG_ADA && c->augment_p > c->ada_pmax)
            return mg_error_set("morphogan train: --augment-p %g is above --ada-pmax %g", c->augment_p, c->ada_pmax);
        return check_metrics(c);
    }
    if (c->cfg == TC_CFG_COURSE) {
        if ((c->resolution && c->resolution != 28) || (c->channels && c->channels != 1) || (c->z_dim && c->z_dim != 64) ||
            (c->g_width && c->g_width != 64) || (c->d_width && c->d_width != 16))
            return mg_error_set("morphogan train: --cfg dcgan-course is fixed (28x28 grey, z 64, widths 64/16); for other sizes use --cfg dcgan");
        if (c->cond) return mg_error_set("morphogan train: --cond 1 needs --cfg dcgan (the course model is unconditional)");
        c->resolution = 28, c->channels = 1, c->z_dim = 64, c->g_width = 64, c->d_width = 16;
    } else {
        if (!c->resolution) c->resolution = 64;
        if (!c->channels) c->channels = 1;
        if (!c->z_dim) c->z_dim = 100;
        if (!c->g_width) c->g_width = 64;
        if (!c->d_width) c->d_width = 64;
        if (c->cfg == TC_CFG_VAE && c->cond) return mg_error_set("morphogan train: --cfg vae is unconditional; leave --cond out");
        if (c->channels == 2) return mg_error_set("morphogan train: --channels is 1 (grey) or 3 (RGB)");
        int r = c->resolution;
        if (r < 16 || (r & (r - 1)))
            return mg_error_set("morphogan train: --resolution %d: dcgan needs a power of two from 16 to 256, e.g. --resolution 64", r);
    }
    if (c->d_norm == TC_DNORM_AUTO) c->d_norm = c->loss == GAN_WGAN_GP ? TC_DNORM_NONE : TC_DNORM_BN;
    if (c->loss == GAN_WGAN_GP && c->d_norm == TC_DNORM_BN)
        return mg_error_set("morphogan train: --loss wgan-gp needs a critic without batch norm (a per-sample penalty); use --d-norm none or --d-norm sn");
    if (c->label_smooth > 0 && c->loss != GAN_BCE)
        return mg_error_set("morphogan train: --label-smooth applies to --loss bce only; use --label-smooth 0");
    return check_metrics(c);
}

/* the --metrics group: names, network */
static int check_metrics(const TrainConfig *c) {
    if (!c->metrics[0]) return 0;
    char buf[TC_PATH], *save = NULL;
    snprintf(buf, sizeof buf, "%s", c->metrics);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "fid") && strcmp(t, "kid") && strcmp(t, "pr") && strcmp(t, "is"))
            return mg_error_set("morphogan train: --metrics lists '%s'; the metrics are fid, kid, pr, is, e.g. --metrics fid,kid", t);
        if (!strcmp(t, "is") && c->metrics_features == TC_MFEAT_MORPHO)
            return mg_error_set("morphogan train: --metrics is needs a classifier's logits: --metrics-features domain or inception");
    }
    if (!c->metrics_net[0] && c->metrics_features != TC_MFEAT_MORPHO)
        return mg_error_set("morphogan train: --metrics needs --metrics-net FILE (or --metrics-features morpho)");
    return 0;
}

/* the shortest decimal that reads back as the same float (so config.json says 0.0002, not 0.000199999995) */
static cJSON *float_item(float v) {
    char buf[32];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, (double)v);
        if (strtof(buf, NULL) == v) break;
    }
    return cJSON_CreateRaw(buf);
}

char *train_config_to_json(const TrainConfig *c) {
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < NFIELDS; i++) {
        const Field *f = &fields[i];
        if (!f->in_json) continue;
        const char *p = (const char *)c + f->off;
        if (f->in_json == 2 && f->type == T_DOUBLE && *(const double *)p == 0) continue;
        char key[64];
        json_key(f->opt, key);
        switch (f->type) {
        case T_STR: cJSON_AddStringToObject(o, key, p); break;
        case T_INT: cJSON_AddNumberToObject(o, key, *(const int *)p); break;
        case T_LONG: cJSON_AddNumberToObject(o, key, (double)*(const long *)p); break;
        case T_FLOAT: cJSON_AddItemToObject(o, key, float_item(*(const float *)p)); break;
        case T_DOUBLE: cJSON_AddNumberToObject(o, key, *(const double *)p); break;
        case T_ENUM: cJSON_AddStringToObject(o, key, f->choices[*(const int *)p]); break;
        case T_PAIR: {
            const float *b = (const float *)p;
            cJSON *a = cJSON_CreateArray();
            cJSON_AddItemToArray(a, float_item(b[0]));
            cJSON_AddItemToArray(a, float_item(b[1]));
            cJSON_AddItemToObject(o, key, a);
            break;
        }
        }
    }
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

int train_config_same_run(const TrainConfig *a, const TrainConfig *b, const char *ckpt) {
    for (int i = 0; i < NFIELDS; i++) {
        const Field *f = &fields[i];
        if (!f->fixed) continue;
        const char *pa = (const char *)a + f->off, *pb = (const char *)b + f->off;
        size_t sz = f->type == T_STR ? TC_PATH : f->type == T_LONG ? sizeof(long) : f->type == T_DOUBLE ? sizeof(double)
                  : f->type == T_PAIR ? 2 * sizeof(float) : f->type == T_FLOAT ? sizeof(float) : sizeof(int);
        int same = f->type == T_STR ? !strcmp(pa, pb) : !memcmp(pa, pb, sz);
        if (!same)
            return mg_error_set("%s: written with another --%s; leave --%s out to continue that run, or start a new run without --resume",
                                ckpt, f->opt, f->opt);
    }
    return 0;
}

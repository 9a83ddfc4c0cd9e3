#include "inversion/encoder_io.h"
#include "core/error.h"
#include "io/checkpoint.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int enc_save(const char *path, const Encoder *e, const LatentDisc *ld, const char *generator, int active, const EncTrainer *t) {
    cJSON *o = cJSON_CreateObject(), *tr = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "e4e-encoder");
    cJSON_AddStringToObject(o, "generator", generator);
    cJSON_AddNumberToObject(o, "resolution", e->s.resolution);
    cJSON_AddNumberToObject(o, "channels", e->s.channels);
    cJSON_AddNumberToObject(o, "w_dim", e->s.w_dim);
    cJSON_AddNumberToObject(o, "num_ws", e->s.num_ws);
    cJSON_AddNumberToObject(o, "width", e->s.width);
    cJSON_AddNumberToObject(o, "feat", e->s.feat);
    cJSON_AddNumberToObject(o, "active", active);
    cJSON_AddNumberToObject(o, "latent_disc", ld && ld->ps ? ld->fc[0].w->shape[0] : 0);
    if (t) {
        const EncTrainOpts *p = &t->o;
        cJSON_AddNumberToObject(tr, "steps", p->steps);
        cJSON_AddNumberToObject(tr, "batch", p->batch);
        cJSON_AddNumberToObject(tr, "lr", p->lr);
        cJSON_AddNumberToObject(tr, "gen_frac", p->gen_frac);
        cJSON_AddNumberToObject(tr, "recon", p->recon);
        cJSON_AddNumberToObject(tr, "l2", p->l2);
        cJSON_AddNumberToObject(tr, "perceptual", p->perceptual);
        cJSON_AddNumberToObject(tr, "delta_reg", p->delta_reg);
        cJSON_AddNumberToObject(tr, "adv", p->adv);
        cJSON_AddNumberToObject(tr, "lr_d", p->lr_d);
        cJSON_AddNumberToObject(tr, "r1_gamma", p->r1_gamma);
        cJSON_AddNumberToObject(tr, "r1_every", p->r1_every);
        cJSON_AddNumberToObject(tr, "consistency", p->consistency);
        cJSON_AddNumberToObject(tr, "progressive_every", p->progressive_every);
        cJSON_AddNumberToObject(tr, "seed", (double)p->seed);
    }
    cJSON_AddItemToObject(o, "train", tr);
    char *arch = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    Adam ae = t ? t->opt_e : adam_default(0, 0, 0), ad = t ? t->opt_d : adam_default(0, 0, 0);
    Rng rng = t ? t->rng : rng_new(0);
    Checkpoint c = {.nparts = 1, .part = {{"E.", e->ps, &ae, NULL}}, .rng = &rng, .step = t ? t->step : 0, .arch = arch};
    if (ld && ld->ps) c.part[c.nparts++] = (CkptPart){"LD.", ld->ps, &ad, NULL};
    int rc = ckpt_save(path, &c);
    free(arch);
    return rc;
}

static int get_int(cJSON *o, const char *k, int *out) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v)) return -1;
    *out = v->valueint;
    return 0;
}

static void get_float(cJSON *o, const char *k, float *out) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsNumber(v)) *out = (float)v->valuedouble;
}

int enc_load(const char *path, EncFile *f) {
    memset(f, 0, sizeof *f);
    char *arch = ckpt_read_arch(path);
    if (!arch) return -1;
    cJSON *o = cJSON_Parse(arch);
    free(arch);
    cJSON *kind = o ? cJSON_GetObjectItemCaseSensitive(o, "kind") : NULL;
    if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "e4e-encoder")) {
        cJSON_Delete(o);
        return mg_error_set("%s: not an encoder checkpoint (make one with morphogan train-encoder)", path);
    }
    EncSpec s;
    int ldh = 0;
    cJSON *gen = cJSON_GetObjectItemCaseSensitive(o, "generator");
    if (!cJSON_IsString(gen) || get_int(o, "resolution", &s.resolution) || get_int(o, "channels", &s.channels) ||
        get_int(o, "w_dim", &s.w_dim) || get_int(o, "num_ws", &s.num_ws) || get_int(o, "width", &s.width) ||
        get_int(o, "feat", &s.feat) || get_int(o, "active", &f->active) || get_int(o, "latent_disc", &ldh)) {
        cJSON_Delete(o);
        return mg_error_set("%s: encoder architecture incomplete or malformed", path);
    }
    snprintf(f->generator, sizeof f->generator, "%s", gen->valuestring);
    f->train = enc_train_defaults();
    cJSON *tr = cJSON_GetObjectItemCaseSensitive(o, "train");
    if (cJSON_IsObject(tr)) {
        get_int(tr, "steps", &f->train.steps);
        get_int(tr, "batch", &f->train.batch);
        get_float(tr, "lr", &f->train.lr);
        get_float(tr, "gen_frac", &f->train.gen_frac);
        get_int(tr, "recon", &f->train.recon);
        get_float(tr, "l2", &f->train.l2);
        get_float(tr, "perceptual", &f->train.perceptual);
        get_float(tr, "delta_reg", &f->train.delta_reg);
        get_float(tr, "adv", &f->train.adv);
        get_float(tr, "lr_d", &f->train.lr_d);
        get_float(tr, "r1_gamma", &f->train.r1_gamma);
        get_int(tr, "r1_every", &f->train.r1_every);
        get_float(tr, "consistency", &f->train.consistency);
        get_int(tr, "progressive_every", &f->train.progressive_every);
        int seed = 1;
        if (!get_int(tr, "seed", &seed)) f->train.seed = (uint64_t)seed;
    }
    cJSON_Delete(o);
    Rng init = rng_new(0);
    if (encoder_init(&f->e, s, NULL, &init)) return mg_error_set("%s: %s", path, mg_error_get());
    if (f->active < 0 || f->active >= s.num_ws) {
        encoder_free(&f->e);
        return mg_error_set("%s: %d active offsets for %d slots", path, f->active, s.num_ws);
    }
    if (ldh > 0) latent_disc_init(&f->ld, s.w_dim, ldh, &init);
    f->opt_e = adam_default(0, 0, 0);
    f->opt_d = adam_default(0, 0, 0);
    Checkpoint c = {.nparts = 1, .part = {{"E.", f->e.ps, &f->opt_e, NULL}}, .rng = &f->rng};
    if (ldh > 0) c.part[c.nparts++] = (CkptPart){"LD.", f->ld.ps, &f->opt_d, NULL};
    if (ckpt_load(path, &c)) {
        enc_file_free(f);
        return -1;
    }
    f->step = c.step;
    f->e.w_avg->requires_grad = 0;
    return 0;
}

void enc_file_free(EncFile *f) {
    encoder_free(&f->e);
    latent_disc_free(&f->ld);
}

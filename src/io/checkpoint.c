/* Checkpoints on top of safetensors: naming of tensors and metadata (see checkpoint.h),
 * validate-everything-then-restore loading. */
#include "io/checkpoint.h"
#include "core/error.h"
#include "io/safetensors.h"
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_ 192
static const char *const state_suffix[] = {".adam_m", ".adam_v", ".ema"};

static void keyname(char *out, const char *prefix, const char *name, const char *suffix) {
    snprintf(out, NAME_MAX_, "%s%s%s", prefix, name, suffix);
}

/* ---------------------------------------------------------------- saving */

static void meta_printf(StWriter *w, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void meta_printf(StWriter *w, const char *key, const char *fmt, ...) {
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    st_writer_meta(w, key, v);
}

int ckpt_save(const char *path, const Checkpoint *c) {
    MG_CHECK(c->nparts >= 1 && c->nparts <= CKPT_MAXPARTS, "ckpt_save: %d parts", c->nparts);
    StWriter w;
    st_writer_init(&w);
    st_writer_meta(&w, "format", CKPT_FORMAT);
    st_writer_meta(&w, "arch", c->arch ? c->arch : "{}");
    meta_printf(&w, "step", "%ld", c->step);
    meta_printf(&w, "epoch", "%ld", c->epoch);
    if (c->rng) {
        meta_printf(&w, "rng.seed", "%" PRIu64, c->rng->seed);
        meta_printf(&w, "rng.counter", "%" PRIu64, c->rng->counter);
    }
    char parts[CKPT_MAXPARTS * 64] = "", key[NAME_MAX_];
    for (int k = 0; k < c->nparts; k++) {
        const CkptPart *pt = &c->part[k];
        const ParamStore *ps = pt->ps;
        MG_CHECK(ps->mem, "ckpt_save: store '%s' not finalized", pt->prefix);
        MG_CHECK(strlen(pt->prefix) < 60, "ckpt_save: prefix too long");
        if (k) strcat(parts, ",");
        strcat(parts, pt->prefix);
        for (int i = 0; i < ps->n; i++) {
            const Param *p = ps->p[i];
            keyname(key, pt->prefix, p->name, "");
            st_writer_add(&w, key, p->t.ndim, p->t.shape, ps->values + p->offset);
            if (pt->adam) {
                keyname(key, pt->prefix, p->name, state_suffix[0]);
                st_writer_add(&w, key, p->t.ndim, p->t.shape, ps->m + p->offset);
                keyname(key, pt->prefix, p->name, state_suffix[1]);
                st_writer_add(&w, key, p->t.ndim, p->t.shape, ps->v + p->offset);
            }
            if (pt->ema) {
                keyname(key, pt->prefix, p->name, state_suffix[2]);
                st_writer_add(&w, key, p->t.ndim, p->t.shape, pt->ema->shadow + p->offset);
            }
        }
        if (pt->adam) {
            const Adam *a = pt->adam;
            keyname(key, pt->prefix, "adam.lr", "");           meta_printf(&w, key, "%.9g", a->lr);
            keyname(key, pt->prefix, "adam.beta1", "");        meta_printf(&w, key, "%.9g", a->beta1);
            keyname(key, pt->prefix, "adam.beta2", "");        meta_printf(&w, key, "%.9g", a->beta2);
            keyname(key, pt->prefix, "adam.eps", "");          meta_printf(&w, key, "%.9g", a->eps);
            keyname(key, pt->prefix, "adam.weight_decay", ""); meta_printf(&w, key, "%.9g", a->weight_decay);
            keyname(key, pt->prefix, "adam.step", "");         meta_printf(&w, key, "%ld", a->step);
        }
        if (pt->ema) {
            keyname(key, pt->prefix, "ema.decay", "");
            meta_printf(&w, key, "%.9g", pt->ema->decay);
        }
    }
    st_writer_meta(&w, "parts", parts);
    int rc = st_write(&w, path);
    st_writer_free(&w);
    return rc;
}

/* ---------------------------------------------------------------- loading */

static int meta_str(const StFile *f, const char *key, const char **out) {
    *out = st_meta(f, key);
    return *out ? 0 : mg_error_set("%s: metadata '%s' missing", f->path, key);
}

static int meta_i64(const StFile *f, const char *key, long long lo, long long *out) {
    const char *s;
    if (meta_str(f, key, &s)) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo)
        return mg_error_set("%s: metadata '%s' = '%.40s' is not a valid integer", f->path, key, s);
    *out = v;
    return 0;
}

static int meta_u64(const StFile *f, const char *key, uint64_t *out) {
    const char *s;
    if (meta_str(f, key, &s)) return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return mg_error_set("%s: metadata '%s' = '%.40s' is not a valid unsigned integer", f->path, key, s);
    *out = v;
    return 0;
}

static int meta_float(const StFile *f, const char *key, float *out) {
    const char *s;
    if (meta_str(f, key, &s)) return -1;
    char *end;
    errno = 0;
    float v = strtof(s, &end);
    if (errno || end == s || *end)
        return mg_error_set("%s: metadata '%s' = '%.40s' is not a valid number", f->path, key, s);
    *out = v;
    return 0;
}

/* The tensor `name` with the shape of t, marked as claimed; NULL + mg_error otherwise. */
static const StTensor *expect(const StFile *f, const char *name, const Tensor *t, char *claimed) {
    const StTensor *s = st_find(f, name);
    if (!s) {
        mg_error_set("%s: tensor '%s' missing (expected shape %s)", f->path, name, tensor_shape_str(t));
        return NULL;
    }
    int same = s->ndim == t->ndim;
    for (int i = 0; same && i < t->ndim; i++) same = s->shape[i] == t->shape[i];
    if (!same) {
        mg_error_set("%s: tensor '%s': expected shape %s, found %s", f->path, name, tensor_shape_str(t),
                     st_shape_str(s));
        return NULL;
    }
    claimed[s - f->t] = 1;
    return s;
}

/* Everything one part restores, found and checked in pass 1. */
typedef struct PartPlan {
    const StTensor **val, **m, **v, **ema;      /* per parameter, NULL where not restored */
    Adam adam;
    float ema_decay;
} PartPlan;

static int plan_part(const StFile *f, const CkptPart *pt, PartPlan *pl, char *claimed) {
    const ParamStore *ps = pt->ps;
    char key[NAME_MAX_];
    MG_CHECK(ps->mem, "ckpt_load: store '%s' not finalized", pt->prefix);
    for (int i = 0; i < ps->n; i++) {
        const Param *p = ps->p[i];
        keyname(key, pt->prefix, p->name, "");
        if (!(pl->val[i] = expect(f, key, &p->t, claimed))) return -1;
        if (pt->adam) {
            keyname(key, pt->prefix, p->name, state_suffix[0]);
            if (!(pl->m[i] = expect(f, key, &p->t, claimed))) return -1;
            keyname(key, pt->prefix, p->name, state_suffix[1]);
            if (!(pl->v[i] = expect(f, key, &p->t, claimed))) return -1;
        }
        if (pt->ema) {
            keyname(key, pt->prefix, p->name, state_suffix[2]);
            if (!(pl->ema[i] = expect(f, key, &p->t, claimed))) return -1;
        }
    }
    if (pt->adam) {
        Adam *a = &pl->adam;
        long long step;
        keyname(key, pt->prefix, "adam.lr", "");           if (meta_float(f, key, &a->lr)) return -1;
        keyname(key, pt->prefix, "adam.beta1", "");        if (meta_float(f, key, &a->beta1)) return -1;
        keyname(key, pt->prefix, "adam.beta2", "");        if (meta_float(f, key, &a->beta2)) return -1;
        keyname(key, pt->prefix, "adam.eps", "");          if (meta_float(f, key, &a->eps)) return -1;
        keyname(key, pt->prefix, "adam.weight_decay", ""); if (meta_float(f, key, &a->weight_decay)) return -1;
        keyname(key, pt->prefix, "adam.step", "");         if (meta_i64(f, key, 0, &step)) return -1;
        a->step = (long)step;
    }
    if (pt->ema) {
        keyname(key, pt->prefix, "ema.decay", "");
        if (meta_float(f, key, &pl->ema_decay)) return -1;
    }
    return 0;
}

/* A tensor under a part's prefix that is neither claimed nor optional state of a known parameter
 * means the architecture differs. */
static int check_unknown(const StFile *f, const Checkpoint *c, const char *claimed) {
    for (int j = 0; j < f->n; j++) {
        if (claimed[j]) continue;
        const char *nm = f->t[j].name;
        for (int k = 0; k < c->nparts; k++) {
            size_t pl = strlen(c->part[k].prefix);
            if (strncmp(nm, c->part[k].prefix, pl)) continue;
            char base[NAME_MAX_];
            snprintf(base, sizeof base, "%s", nm + pl);
            for (int s = 0; s < 3; s++) {
                size_t bl = strlen(base), sl = strlen(state_suffix[s]);
                if (bl > sl && !strcmp(base + bl - sl, state_suffix[s])) { base[bl - sl] = 0; break; }
            }
            if (!params_find(c->part[k].ps, base))
                return mg_error_set("%s: tensor '%.80s' is not a parameter of the model (architecture differs?)",
                                    f->path, nm);
        }
    }
    return 0;
}

static int check_format(const StFile *f) {
    const char *fmt = st_meta(f, "format");
    if (!fmt || strcmp(fmt, CKPT_FORMAT))
        return mg_error_set("%s: not a morphogan checkpoint (format '%.40s', expected '%s')", f->path,
                            fmt ? fmt : "(none)", CKPT_FORMAT);
    return 0;
}

int ckpt_load(const char *path, Checkpoint *c) {
    MG_CHECK(c->nparts >= 1 && c->nparts <= CKPT_MAXPARTS, "ckpt_load: %d parts", c->nparts);
    StFile f;
    if (st_open(path, &f)) return -1;
    char *claimed = mg_xcalloc((size_t)(f.n ? f.n : 1), 1);
    PartPlan plan[CKPT_MAXPARTS] = {{0}};
    long long step = 0, epoch = 0;
    uint64_t seed = 0, counter = 0;
    int rc = check_format(&f) || meta_i64(&f, "step", 0, &step) || meta_i64(&f, "epoch", 0, &epoch) ? -1 : 0;
    if (!rc && c->rng) rc = meta_u64(&f, "rng.seed", &seed) || meta_u64(&f, "rng.counter", &counter) ? -1 : 0;
    for (int k = 0; k < c->nparts; k++) {
        int n = c->part[k].ps->n ? c->part[k].ps->n : 1;
        plan[k].val = mg_xcalloc((size_t)n, sizeof(StTensor *));
        plan[k].m = mg_xcalloc((size_t)n, sizeof(StTensor *));
        plan[k].v = mg_xcalloc((size_t)n, sizeof(StTensor *));
        plan[k].ema = mg_xcalloc((size_t)n, sizeof(StTensor *));
        if (!rc) rc = plan_part(&f, &c->part[k], &plan[k], claimed);
    }
    if (!rc) rc = check_unknown(&f, c, claimed);

    if (!rc) {                                    /* pass 2: everything checked, restore */
        for (int k = 0; k < c->nparts; k++) {
            CkptPart *pt = &c->part[k];
            ParamStore *ps = pt->ps;
            for (int i = 0; i < ps->n; i++) {
                size_t off = ps->p[i]->offset;
                st_read_f32(plan[k].val[i], ps->values + off);
                if (pt->adam) {
                    st_read_f32(plan[k].m[i], ps->m + off);
                    st_read_f32(plan[k].v[i], ps->v + off);
                }
                if (pt->ema) st_read_f32(plan[k].ema[i], pt->ema->shadow + off);
            }
            if (pt->adam) *pt->adam = plan[k].adam;
            if (pt->ema) pt->ema->decay = plan[k].ema_decay;
        }
        c->step = (long)step;
        c->epoch = (long)epoch;
        if (c->rng) { c->rng->seed = seed; c->rng->counter = counter; }
    }
    for (int k = 0; k < c->nparts; k++) { free(plan[k].val); free(plan[k].m); free(plan[k].v); free(plan[k].ema); }
    free(claimed);
    st_close(&f);
    return rc;
}

char *ckpt_read_arch(const char *path) {
    StFile f;
    if (st_open(path, &f)) return NULL;
    const char *arch;
    char *out = NULL;
    if (!check_format(&f) && !meta_str(&f, "arch", &arch)) out = strdup(arch);
    st_close(&f);
    return out;
}

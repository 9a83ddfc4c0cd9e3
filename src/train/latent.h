/* Paths through latent space.  lerp: (1 - t) a + t b.  slerp: along the great circle between a and
 * b (sin((1-t) w)/sin w a + sin(t w)/sin w b, w the angle between them; lerp when they are nearly
 * parallel).  plane: w = w1 + l2 (w2 - w1) + l3 (w3 - w1). */
#ifndef MG_LATENT_H
#define MG_LATENT_H

void latent_lerp(const float *a, const float *b, int n, float t, float *out);
void latent_slerp(const float *a, const float *b, int n, float t, float *out);
void latent_plane(const float *w1, const float *w2, const float *w3, int n, float l2, float l3, float *out);
#endif

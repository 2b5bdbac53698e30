/** Soft erasing (DESIGN §1): two one-line functions. */
import * as tf from '@tensorflow/tfjs';

/** m = sigmoid(ω·(cam − σ)); cams [P,H,W] → masks [P,H,W]. */
export const softMask = (cams: tf.Tensor3D, omega: number, sigma: number): tf.Tensor3D => tf.tidy(() => tf.sigmoid(tf.mul(tf.sub(cams, sigma), omega)) as tf.Tensor3D);

/** erased = image·(1 − m); images [P,H,W,3] (normalised), masks [P,H,W] → [P,H,W,3]. */
export const eraseImages = (images: tf.Tensor4D, masks: tf.Tensor3D): tf.Tensor4D => tf.tidy(() => tf.mul(images, tf.sub(1, tf.expandDims(masks, 3))));

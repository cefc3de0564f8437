# A CUDA toolkit for PyTorch's own wheel, from pip's nvidia-* wheels.
#
# The wheel's LibTorch (site-packages/torch) is built with CUDA, and its CMake config (Caffe2's
# public/cuda.cmake) refuses to load without a CUDA toolkit: it runs the old FindCUDA (which wants
# CUDA_TOOLKIT_ROOT_DIR/bin/nvcc and lib64/libcudart.so) and FindCUDAToolkit. pip's nvidia wheels
# install a toolkit-shaped folder next to torch (site-packages/nvidia/cu13: bin/nvcc, include, lib,
# nvvm) once `cuda-toolkit[nvcc,cccl,curand]` of the wheel's CUDA version is installed, but ship
# only versioned libraries (libcudart.so.13). This builds a toolkit root in the build folder out
# of symbolic links (adding the unversioned names) and points both finders at it, so the nvcc of
# exactly the wheel's CUDA version compiles our .cu files.
#
# sg_torch_wheel_cuda(<torch dir>) does nothing when a toolkit is chosen already
# (CUDA_TOOLKIT_ROOT_DIR, CMAKE_CUDA_COMPILER or CUDACXX) or when the LibTorch is not a CUDA wheel.

function(sg_torch_wheel_cuda torch_dir)
  set(root "${CMAKE_BINARY_DIR}/cuda-from-wheels")
  # A toolkit chosen by the user wins; our own cached choice from an earlier run does not count.
  if((DEFINED CUDA_TOOLKIT_ROOT_DIR AND NOT CUDA_TOOLKIT_ROOT_DIR STREQUAL root)
     OR (DEFINED CMAKE_CUDA_COMPILER AND NOT CMAKE_CUDA_COMPILER STREQUAL "${root}/bin/nvcc")
     OR DEFINED ENV{CUDACXX})
    return()
  endif()
  # torch/version.py says `cuda: Optional[str] = '13.2'` in a CUDA wheel, `= None` otherwise.
  set(version_py "${torch_dir}/version.py")
  if(NOT EXISTS "${version_py}")
    return()
  endif()
  file(STRINGS "${version_py}" cuda_line REGEX "^cuda")
  if(NOT cuda_line MATCHES "'([0-9]+)\\.([0-9]+)'")
    return()
  endif()
  set(cuda_version "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
  set(cuda_major "${CMAKE_MATCH_1}")
  get_filename_component(site_packages "${torch_dir}" DIRECTORY)
  # CUDA 13's wheels share one folder (nvidia/cu13); CUDA 12's have one per component.
  set(wheel_root "${site_packages}/nvidia/cu${cuda_major}")
  if(NOT EXISTS "${wheel_root}/bin/nvcc")
    # A system toolkit (CUDA_HOME, /usr/local/cuda) may still fit: let Caffe2's finder try, and
    # say what would make it work if it does not.
    message(STATUS "sg-optim: PyTorch's LibTorch uses CUDA ${cuda_version} and ${wheel_root}/bin/nvcc is absent; "
      "if no CUDA ${cuda_version} toolkit is found, install one into that Python: "
      "pip install \"cuda-toolkit[nvcc,cccl,curand]==<the version of its installed cuda-toolkit>\"")
    return()
  endif()

  file(REMOVE_RECURSE "${root}")
  file(MAKE_DIRECTORY "${root}/lib64")
  foreach(sub bin include nvvm)
    file(CREATE_LINK "${wheel_root}/${sub}" "${root}/${sub}" SYMBOLIC)
  endforeach()
  file(CREATE_LINK "lib64" "${root}/lib" SYMBOLIC)
  file(GLOB libs "${wheel_root}/lib/*")
  foreach(lib ${libs})
    get_filename_component(name "${lib}" NAME)
    file(CREATE_LINK "${lib}" "${root}/lib64/${name}" SYMBOLIC)
    # libcudart.so.13 -> libcudart.so: the name a linker and both finders look for.
    # (Two ifs: CMAKE_MATCH_1 is expanded before MATCHES runs when they share one.)
    if(name MATCHES "^(.+\\.so)\\.[0-9.]+$")
      set(unversioned "${root}/lib64/${CMAKE_MATCH_1}")
      if(NOT EXISTS "${unversioned}")
        file(CREATE_LINK "${lib}" "${unversioned}" SYMBOLIC)
      endif()
    endif()
  endforeach()

  set(CUDA_TOOLKIT_ROOT_DIR "${root}" CACHE PATH "CUDA toolkit (from PyTorch's nvidia wheels)")
  set(CUDAToolkit_ROOT "${root}" CACHE PATH "CUDA toolkit (from PyTorch's nvidia wheels)")
  set(CMAKE_CUDA_COMPILER "${root}/bin/nvcc" CACHE FILEPATH "nvcc (from PyTorch's nvidia wheels)")
  # Caffe2 adds -gencode flags for TORCH_CUDA_ARCH_LIST to CMAKE_CUDA_FLAGS; without a GPU to
  # detect it falls back to a list starting at sm_50, which CUDA 13's nvcc rejects. Ours: the
  # data-centre generations, PTX of the newest for anything later (CUDA 13 dropped Volta).
  if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
    if(cuda_major GREATER_EQUAL 13)
      set(TORCH_CUDA_ARCH_LIST "7.5;8.0;9.0+PTX" CACHE STRING "GPU architectures for the .cu files")
    else()
      set(TORCH_CUDA_ARCH_LIST "7.0;8.0;9.0+PTX" CACHE STRING "GPU architectures for the .cu files")
    endif()
  endif()
  message(STATUS "sg-optim: CUDA ${cuda_version} toolkit from PyTorch's nvidia wheels: ${wheel_root}")
endfunction()

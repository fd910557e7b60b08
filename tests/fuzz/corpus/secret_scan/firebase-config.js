const firebaseConfig = {
  apiKey: 'AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU',
  projectId: 'demo',
};

"""Pakistani given names and family names for synthetic registry data."""

from __future__ import annotations

# fmt: off
MALE_NAMES = (
    "Muhammad Aslam", "Muhammad Akram", "Ghulam Rasool", "Ghulam Murtaza", "Allah Ditta",
    "Allah Bakhsh", "Khuda Bakhsh", "Muhammad Iqbal", "Muhammad Ashraf", "Muhammad Riaz",
    "Abdul Ghafoor", "Abdul Rasheed", "Abdul Sattar", "Abdul Qadir", "Abdul Jabbar",
    "Muhammad Yousaf", "Muhammad Saleem", "Muhammad Nawaz", "Manzoor Hussain", "Mushtaq Ahmed",
    "Nazir Ahmed", "Bashir Ahmed", "Rasheed Ahmed", "Irshad Ali", "Liaqat Ali",
    "Shaukat Ali", "Sajjad Hussain", "Zulfiqar Ali", "Imran Khan", "Asif Ali",
    "Tariq Mehmood", "Khalid Mehmood", "Shahid Iqbal", "Naveed Akhtar", "Waseem Abbas",
    "Faisal Shahzad", "Usman Ghani", "Bilal Ahmed", "Hamza Ali", "Zeeshan Haider",
    "Gul Khan", "Sher Khan", "Noor Muhammad", "Wali Muhammad", "Juma Khan",
    "Dost Muhammad", "Abdul Wahid", "Niaz Muhammad", "Sardar Khan", "Habibullah",
    "Rahmatullah", "Saifullah", "Kaleemullah", "Zahid Hussain", "Ameer Bakhsh",
    "Ali Nawaz", "Gul Hassan", "Pir Bakhsh", "Qurban Ali", "Ramzan Ali",
    "Shabbir Hussain", "Sikandar Ali", "Mumtaz Ali", "Ejaz Ahmed", "Fida Hussain",
)

FEMALE_NAMES = (
    "Shazia Bibi", "Rukhsana Bibi", "Naseem Akhtar", "Nasreen Bibi", "Parveen Akhtar",
    "Kausar Parveen", "Zahida Parveen", "Shamim Akhtar", "Razia Sultana", "Sughran Bibi",
    "Allah Rakhi", "Allah Wasai", "Mai Jindan", "Ghulam Fatima", "Hajran Bibi",
    "Sakina Bibi", "Zubaida Khatoon", "Amina Bibi", "Fatima Bibi", "Hameeda Begum",
    "Rashida Begum", "Naheed Akhtar", "Robina Kausar", "Samina Kausar", "Tahira Parveen",
    "Nasim Bano", "Bashiran Bibi", "Khurshid Begum", "Salma Bibi", "Shahnaz Bibi",
    "Bushra Bibi", "Saima Bibi", "Asma Bibi", "Nazia Bibi", "Farzana Kausar",
    "Rubina Yasmin", "Sadia Noreen", "Uzma Shaheen", "Irum Shahzadi", "Mehnaz Akhtar",
    "Gul Bibi", "Zarghuna Bibi", "Bakht Bibi", "Shireen Bibi", "Mah Gul",
    "Zarmina Bibi", "Naseeba Bibi", "Hawa Bibi", "Mariam Bibi", "Khadija Bibi",
    "Sughra Bibi", "Jannat Bibi", "Noor Jahan", "Bibi Hajra", "Mumtaz Begum",
    "Sundas Bibi", "Ayesha Bibi", "Hina Kausar", "Rabia Basri", "Kalsoom Akhtar",
)

TRANSGENDER_NAMES = (
    "Sanam Noor", "Reshma Ali", "Chanda Bibi", "Lucky Khan", "Payal Ali",
    "Neeli Bibi", "Muskan Ali", "Shabnam Khan", "Jugnu Ali", "Roshni Noor",
)

BOY_NAMES = (
    "Ali Raza", "Muhammad Ahmed", "Hassan Ali", "Hussain Ali", "Abdullah",
    "Muhammad Umar", "Usman Ali", "Zain Abbas", "Ahmed Raza", "Shahzaib",
    "Arslan Ali", "Danish Ali", "Fahad Ali", "Haider Ali", "Muhammad Saad",
    "Saifullah", "Wajid Ali", "Rizwan Ali", "Noman Ali", "Tayyab Ali",
    "Asad Khan", "Jibran Khan", "Sohail Khan", "Aqib Ali", "Muhammad Bilal",
)

GIRL_NAMES = (
    "Ayesha", "Fatima", "Zainab", "Maryam", "Sana",
    "Iqra", "Hira", "Kiran", "Rimsha", "Mehwish",
    "Sidra", "Nimra", "Areeba", "Hafsa", "Laiba",
    "Aqsa", "Anam", "Saba", "Sobia", "Khadija",
    "Bibi Amna", "Gul Naz", "Shumaila", "Sumaira", "Uzma",
)
# fmt: on
